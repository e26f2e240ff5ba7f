package main

import (
	"flag"
	"os"
)

// envString registers a string flag that defaults to the environment
// variable env, and returns a function that gives its value after parsing.
// The registered default stays empty, so help and usage errors show the
// variable's name but never its value, which may be a token or a password.
func envString(fs *flag.FlagSet, name, env, usage string) func() string {
	value := fs.String(name, "", usage+" (default $"+env+")")
	return func() string {
		set := false
		fs.Visit(func(f *flag.Flag) {
			if f.Name == name {
				set = true
			}
		})
		if set {
			return *value
		}
		return os.Getenv(env)
	}
}
