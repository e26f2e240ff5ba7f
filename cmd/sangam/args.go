package main

import (
	"flag"
	"fmt"
)

// parseInterspersed parses flags that may stand before, between or after
// the positional arguments, as the usage text writes them, and returns
// the positional ones.
func parseInterspersed(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// noArgs returns an error naming the first positional argument of fs, for
// commands that take flags only. The flag package stops at the first
// argument that is not a flag, so the flags after it would be ignored.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	return fmt.Errorf("unexpected argument %q: %s takes flags only, and reads none after an argument",
		fs.Arg(0), fs.Name())
}
