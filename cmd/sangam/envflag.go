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
// The function returns "" when neither is set, and the error of
// lookupEnv, with want and absent, when the variable is set to "".
func envString(fs *flag.FlagSet, name, env, usage, want, absent string) func() (string, error) {
	value := fs.String(name, "", usage+"; an empty variable is rejected (default $"+env+")")
	return func() (string, error) {
		if flagSet(fs, name) {
			return *value, nil
		}
		s, _, err := lookupEnv(env, name, want, absent)
		return s, err
	}
}

// envBool registers a boolean flag that defaults to the environment
// variable env, as envString does, and returns a function that gives its
// value after parsing. The variable takes the values that
// strconv.ParseBool accepts, such as true, false, 1 and 0. An unset
// variable is false, and a variable set to "" is the error of lookupEnv,
// where absent describes what false selects.
func envBool(fs *flag.FlagSet, name, env, usage, absent string) func() (bool, error) {
	value := fs.Bool(name, false, usage+"; an empty variable is rejected (default $"+env+")")
	return func() (bool, error) {
		if flagSet(fs, name) {
			return *value, nil
		}
		s, set, err := lookupEnv(env, name, "true or false", absent)
		if err != nil || !set {
			return false, err
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
// value after parsing. An unset variable is 0, and a variable set to ""
// is the error of lookupEnv with want and absent.
func envInt(fs *flag.FlagSet, name, env, usage, want, absent string) func() (int, error) {
	value := fs.Int(name, 0, usage+"; an empty variable is rejected (default $"+env+")")
	return func() (int, error) {
		if flagSet(fs, name) {
			return *value, nil
		}
		s, set, err := lookupEnv(env, name, want, absent)
		if err != nil || !set {
			return 0, err
		}
		n, err := strconv.Atoi(s)
		if err != nil {
			return 0, fmt.Errorf("$%s (default of --%s): %q is not an integer", env, name, s)
		}
		return n, nil
	}
}

// lookupEnv returns the value of the environment variable env and
// whether it is set. A variable set to "" is an error rather than the
// default, because it is more likely a script's unset variable, as in
// SANGAM_TOKENS="$FILE", than a request for the default. The error
// names the variable, flagName, the flag it is the default of (or none
// when flagName is ""), want, the expected value, and absent, what an
// unset variable selects.
func lookupEnv(env, flagName, want, absent string) (string, bool, error) {
	s, set := os.LookupEnv(env)
	if !set || s != "" {
		return s, set, nil
	}
	source := "$" + env
	if flagName != "" {
		source += " (default of --" + flagName + ")"
	}
	return "", true, fmt.Errorf(`%s: "" is invalid: want %s; unset the variable for %s`,
		source, want, absent)
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
		s, _, err := lookupEnv(env, name, want, absent)
		return s, err
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
	return flagErrorf(`--%s: "" is invalid: want %s; leave the flag out for %s`, name, want, absent)
}
