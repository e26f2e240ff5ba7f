// Command sangam runs the Sangam interoperability hub and its offline
// tools.
//
// Usage:
//
//	sangam serve  [flags]                  run the hub
//	sangam demo   [flags]                  run the hub with mock agencies and sample traffic
//	sangam mocks  [--hub URL] [flags]      run only the mock agencies, posting to the hub at URL
//	sangam send   --agency NAME [flags] FILE   post FILE to a running hub as NAME
//	sangam decode --agency NAME FILE       print FILE's canonical JSON or its errors
//	sangam encode --agency NAME FILE       print canonical JSON FILE in NAME's format
//	sangam replay [flags] DELIVERY_ID...   replay dead letters on a running hub
//	sangam destinations [flags]            list destinations, breakers and backlogs
//	sangam deadletters [flags]             list dead letters by the filter of replay
//	sangam routes COMMAND [flags]          export, apply, history, diff, restore, explain
//	sangam token --name NAME --agency A    make an API token and its token-file entry
//	                                       (--operator or --metrics for other grants)
//	sangam bench  [flags]                  measure a hub under load on loopback
//
// FILE may be "-" for standard input. Exit status: 0 success, 1 invalid
// input, 2 usage or setup error, 3 not done for now because the hub, or
// for serve, demo and bench its PostgreSQL server, was unavailable (run
// the command again later). A stop of serve or demo on SIGTERM or SIGINT
// exits 0, also one that comes during the start.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/sangam-hub/sangam/canonical"
)

// Exit statuses.
const (
	exitOK        = 0
	exitInvalid   = 1
	exitSetup     = 2
	exitNotStored = 3
)

// errInvalid marks a failure caused by the input rather than the setup.
var errInvalid = errors.New("invalid input")

// errConflict marks input that conflicts with the hub's state, such as
// a second original final report for a FIR or a routes change based on
// an older version. It counts as invalid input for the exit status.
var errConflict error = conflictError{}

type conflictError struct{}

func (conflictError) Error() string { return "conflict" }

// Is makes errors.Is(err, errInvalid) true for a conflict.
func (conflictError) Is(target error) bool { return target == errInvalid }

// errForbiddenDocument marks a document that the token may not post,
// such as another station's FIR. It counts as invalid input for the
// exit status, because the document, not the setup, must change.
var errForbiddenDocument error = labeledError{label: "forbidden", class: errInvalid}

// labeledError is an error whose text is label and that counts as class
// for the exit status.
type labeledError struct {
	label string
	class error
}

func (e labeledError) Error() string { return e.label }

func (e labeledError) Unwrap() error { return e.class }

// classedError is an error whose text is message and that wraps both
// class, the mark for the exit status, and err, the error behind it.
type classedError struct {
	message string
	class   error
	err     error
}

func (e classedError) Error() string { return e.message }

func (e classedError) Unwrap() []error { return []error{e.class, e.err} }

// errNotFound marks a request for something the hub does not have, such
// as a routes version or a message id. The input names it, so it counts
// as invalid input for the exit status.
var errNotFound error = labeledError{label: "not found", class: errInvalid}

// errNotStored marks a message the hub did not store for now, such as
// when it is busy: sending it again later may succeed.
var errNotStored = errors.New("not stored")

// errUnavailable marks a request the hub could not act on for now: it
// was unreachable, busy or failing. Trying again later may succeed.
var errUnavailable = errors.New("hub unavailable")

// errInterrupted marks a command that a signal stopped before it was
// done. The stop was asked for, so the command exits 0.
var errInterrupted = errors.New("interrupted")

type command struct {
	name    string
	summary string
	run     func(args []string, stdout, stderr io.Writer) error
}

var commands = []command{
	{"serve", "run the hub", runServe},
	{"demo", "run the hub with mock agencies and send sample traffic", runDemo},
	{"mocks", "run the demo's mock agencies for a hub that runs apart", runMocks},
	{"send", "post a file to a running hub as an agency", runSend},
	{"decode", "print a file's canonical JSON or its validation errors", runDecode},
	{"encode", "print canonical JSON in an agency's format", runEncode},
	{"replay", "replay dead-lettered deliveries on a running hub", runReplay},
	{"destinations", "list a running hub's destinations with breakers and backlogs", runDestinations},
	{"deadletters", "list a running hub's dead letters, by the filter of replay", runDeadLetters},
	{"routes", "read, change, restore and explain the routes of a running hub", runRoutes},
	{"token", "make an API token and its token-file entry", runToken},
	{"bench", "measure a hub under load on loopback and print a report", runBench},
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stderr)
		if len(args) == 0 {
			return exitSetup
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name != args[0] {
			continue
		}
		err := withCommand(c.run(args[1:], stdout, stderr), c.name)
		switch {
		case err == nil:
			return exitOK
		case errors.Is(err, errHelp):
			return exitOK
		}
		// The error may repeat a file name or an id from the command
		// line, such as "4918 7362 5403.json", so it is masked like a
		// log line.
		fmt.Fprintf(stderr, "sangam %s: %s\n", c.name, maskAadhaar(err.Error()))
		switch {
		case errors.Is(err, errInterrupted):
			return exitOK
		case errors.Is(err, errInvalid):
			return exitInvalid
		case errors.Is(err, errNotStored), errors.Is(err, errUnavailable):
			return exitNotStored
		default:
			return exitSetup
		}
	}
	names := make([]string, len(commands))
	for i, c := range commands {
		names[i] = c.name
	}
	fmt.Fprintf(stderr, "sangam: unknown command %q: want one of %s; run 'sangam -h' for the commands\n",
		maskAadhaar(args[0]), strings.Join(names, ", "))
	return exitSetup
}

// maskAadhaar returns s with every Aadhaar number masked to "XXXXXXXX"
// and its last four digits, as the hub masks its log lines, escaped
// digits and separators included.
func maskAadhaar(s string) string {
	masked, _ := canonical.MaskAadhaarInDiagnostic(s)
	return masked
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: sangam COMMAND [flags] [FILE]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun 'sangam COMMAND -h' for a command's flags.")
	fmt.Fprintln(w, "\nExit status:")
	fmt.Fprintln(w, "  0  success; for serve and demo also a stop on SIGTERM or SIGINT,")
	fmt.Fprintln(w, "     during the start too")
	fmt.Fprintln(w, "  1  invalid input")
	fmt.Fprintln(w, "  2  usage or setup error")
	fmt.Fprintln(w, "  3  not done for now: the hub was unavailable, or for serve, demo and")
	fmt.Fprintln(w, "     bench the PostgreSQL server; run the command again later")
}

// readInput reads the named file, or standard input for "-".
func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	return os.ReadFile(name)
}
