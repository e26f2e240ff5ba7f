package main

import (
	"flag"
	"fmt"
	"os"
	"strconv"
)

// envString registers a string flag that defaults to the environment
// variable env, and returns a function that gives its value after parsing.
// The registered default stays empty, so help and usage errors show the
// variable's name but never its value, which may be a token or a password.
func envString(fs *flag.FlagSet, name, env, usage string) func() string {
	value := fs.String(name, "", usage+" (default $"+env+")")
	return func() string {
		if flagSet(fs, name) {
			return *value
		}
		return os.Getenv(env)
	}
}

// envBool registers a boolean flag that defaults to the environment
// variable env, as envString does, and returns a function that gives its
// value after parsing. The variable takes the values that
// strconv.ParseBool accepts, such as true, false, 1 and 0, and an empty or
// unset variable is false.
func envBool(fs *flag.FlagSet, name, env, usage string) func() (bool, error) {
	value := fs.Bool(name, false, usage+" (default $"+env+")")
	return func() (bool, error) {
		if flagSet(fs, name) {
			return *value, nil
		}
		s := os.Getenv(env)
		if s == "" {
			return false, nil
		}
		b, err := strconv.ParseBool(s)
		if err != nil {
			return false, fmt.Errorf("$%s (default of --%s): %q is not a boolean; use true or false",
				env, name, s)
		}
		return b, nil
	}
}

// envInt registers an integer flag that defaults to the environment
// variable env, as envString does, and returns a function that gives its
// value after parsing. Empty or unset is 0.
func envInt(fs *flag.FlagSet, name, env, usage string) func() (int, error) {
	value := fs.Int(name, 0, usage+" (default $"+env+")")
	return func() (int, error) {
		if flagSet(fs, name) {
			return *value, nil
		}
		s := os.Getenv(env)
		if s == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("$%s (default of --%s): %q is not an integer", env, name, s)
		}
		return n, nil
	}
}

// flagSet reports whether the command line of fs set the flag name.
func flagSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == name {
			set = true
		}
	})
	return set
}

// envSetting registers a string flag that defaults to the environment
// variable env, as envString does, for a setting whose absence selects
// another mode, such as the SQLite journal without --postgres. The
// returned function gives "" when neither is set, and an error naming
// the flag or the variable set to "", which is more likely a script's
// unset variable, as in --postgres "$URL", than a request for that mode.
// The error names want, the expected value, and absent, the other mode.
func envSetting(fs *flag.FlagSet, name, env, usage, want, absent string) func() (string, error) {
	value := fs.String(name, "", usage+"; an empty flag or variable is rejected (default $"+env+")")
	return func() (string, error) {
		if flagSet(fs, name) {
			if *value == "" {
				return "", emptyFlagError(name, want, absent)
			}
			return *value, nil
		}
		s, set := os.LookupEnv(env)
		if set && s == "" {
			return "", fmt.Errorf(`$%s (default of --%s): "" is invalid: want %s; `+
				"unset the variable for %s", env, name, want, absent)
		}
		return s, nil
	}
}

// checkNotEmpty returns an error when the command line of fs gave the
// flag name an empty value, for a flag without a variable whose empty
// value would select another mode, as envSetting does.
func checkNotEmpty(fs *flag.FlagSet, name, want, absent string) error {
	if flagSet(fs, name) && fs.Lookup(name).Value.String() == "" {
		return emptyFlagError(name, want, absent)
	}
	return nil
}

func emptyFlagError(name, want, absent string) error {
	return fmt.Errorf(`--%s: "" is invalid: want %s; leave the flag out for %s`, name, want, absent)
}
