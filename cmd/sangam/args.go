package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"regexp"
	"time"
)

// usageError is an error in how a command was called, such as an unknown
// flag, a missing argument or flags that exclude each other. Its text
// names what is wrong and points to the command's help instead of
// printing it, so that the error is the last thing on the screen. run
// prints it and exits with exitSetup.
type usageError struct {
	command string // the command as typed after "sangam", such as "replay" or "routes apply"
	problem string
	topic   string // the items the help lists: "flags", or "commands" for a command menu
}

func (e usageError) Error() string {
	return fmt.Sprintf("%s; run 'sangam %s -h' for the %s", e.problem, e.command, e.topic)
}

// usageErrorf returns a usageError of command whose problem is formatted
// as fmt.Sprintf does.
func usageErrorf(command, format string, args ...any) error {
	return usageError{command: command, problem: fmt.Sprintf(format, args...), topic: "flags"}
}

// flagErrorf returns a usageError, formatted as fmt.Sprintf does, for a
// helper shared by several commands, such as the check of --hub. Its
// command is left empty, and withCommand fills it in before it is
// printed.
func flagErrorf(format string, args ...any) error {
	return usageErrorf("", format, args...)
}

// withCommand returns err with command set when err is a usageError
// without one, as flagErrorf makes, and err unchanged otherwise.
func withCommand(err error, command string) error {
	if usage, ok := err.(usageError); ok && usage.command == "" {
		usage.command = command
		return usage
	}
	return err
}

// parseQuietly runs parse, which parses a command line with fs, and keeps
// the flag package from printing anything. -h or --help prints the
// command's help, fs.Usage, to stderr and returns errHelp. Any other
// flag error returns a usageError that names the flag, such as
// "--bogus: no such flag", without the help.
func parseQuietly(fs *flag.FlagSet, stderr io.Writer, parse func() error) error {
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(io.Discard)
	err := parse()
	fs.Usage = usage
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fs.Usage()
		return errHelp
	case err != nil:
		return usageErrorf(fs.Name(), "%s", flagProblem(fs, err))
	}
	return nil
}

// The flag package's errors, which name a flag with one dash.
var (
	// badFlagValue matches its error for a value it could not parse,
	// such as `invalid value "abc" for flag -limit: parse error`.
	badFlagValue = regexp.MustCompile(`^invalid value "(.*)" for flag -([^:]+): (.*)$`)
	// badBoolFlag matches its error for a boolean flag's value, such as
	// `invalid boolean value "maybe" for -once: parse error`.
	badBoolFlag  = regexp.MustCompile(`^invalid boolean value "(.*)" for -([^:]+): .*$`)
	unknownFlag  = regexp.MustCompile(`^flag provided but not defined: -(.*)$`)
	missingValue = regexp.MustCompile(`^flag needs an argument: -(.*)$`)
)

// flagProblem returns the text of err, a flag parse error of fs, naming
// the flag with two dashes as the rest of sangam's messages do. A value
// that does not parse is reported with the kind of value the flag takes,
// in place of the flag package's "parse error".
func flagProblem(fs *flag.FlagSet, err error) string {
	text := err.Error()
	if m := unknownFlag.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("--%s: no such flag", m[1])
	}
	if m := missingValue.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("--%s: missing value: give it after the flag, as --%s VALUE", m[1], m[1])
	}
	if m := badBoolFlag.FindStringSubmatch(text); m != nil {
		return fmt.Sprintf("--%s: invalid value %q: want true or false", m[2], m[1])
	}
	m := badFlagValue.FindStringSubmatch(text)
	if m == nil {
		return text
	}
	if m[3] != "parse error" {
		// The reason is "value out of range" or a flag.Value's error.
		return fmt.Sprintf("--%s: invalid value %q: %s", m[2], m[1], m[3])
	}
	f := fs.Lookup(m[2])
	if f == nil {
		return text
	}
	getter, ok := f.Value.(flag.Getter)
	if !ok {
		return text
	}
	var want string
	switch getter.Get().(type) {
	case int, int64, uint, uint64:
		want = "a whole number"
	case float64:
		want = "a number"
	case time.Duration:
		want = "a duration such as 30s or 2m"
	case bool:
		want = "true or false"
	default:
		return err.Error()
	}
	return fmt.Sprintf("--%s: invalid value %q: want %s", m[2], m[1], want)
}

// parseFlagsOnly parses args with fs for a command that takes flags only,
// as parseQuietly does, and returns a usageError for any positional
// argument.
func parseFlagsOnly(fs *flag.FlagSet, args []string, stderr io.Writer) error {
	if err := parseQuietly(fs, stderr, func() error { return fs.Parse(args) }); err != nil {
		return err
	}
	return noArgs(fs)
}

// parseArguments parses args with fs, as parseQuietly does, for a command
// that takes positional arguments too, and returns those.
func parseArguments(fs *flag.FlagSet, args []string, stderr io.Writer) ([]string, error) {
	var positional []string
	err := parseQuietly(fs, stderr, func() error {
		var err error
		positional, err = parseInterspersed(fs, args)
		return err
	})
	return positional, err
}

// requireFlag returns a usageError when the flag name of fs has an empty
// value, such as when it was left out.
func requireFlag(fs *flag.FlagSet, name string) error {
	if fs.Lookup(name).Value.String() != "" {
		return nil
	}
	return usageErrorf(fs.Name(), "missing --%s", name)
}

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

// noArgs returns a usageError naming the first positional argument of
// fs, for commands that take flags only. The flag package stops at the
// first argument that is not a flag, so the flags after it would be
// ignored.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() == 0 {
		return nil
	}
	return usageErrorf(fs.Name(), "unexpected argument %q: %s takes flags only, and reads none after an argument",
		fs.Arg(0), fs.Name())
}
