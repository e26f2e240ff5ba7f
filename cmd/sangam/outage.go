package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
)

// maxListed is the maximum number of dead letters that one sangam deadletters lists.
// The command keeps them in memory to align the table's columns.
const maxListed = 100 * journal.MaxLimit

// destinationRow is the part of an entry of GET /api/v1/destinations
// that sangam destinations prints.
type destinationRow struct {
	Name       string                `json:"name"`
	Configured bool                  `json:"configured"`
	Retries    *bool                 `json:"retries"`
	Breaker    delivery.BreakerState `json:"breaker"`
	// Backlog is nil when the hub's journal did not respond.
	*journal.Backlog
}

// destinationsResponse is the body of GET /api/v1/destinations.
type destinationsResponse struct {
	Destinations       []destinationRow `json:"destinations"`
	BacklogUnavailable string           `json:"backlog_unavailable"`
}

// operatorFlags registers the flags with which destinations, deadletters
// and replay reach the hub: --hub, --token and --token-file. It returns
// a function that gives the client after parsing.
func operatorFlags(fs *flag.FlagSet, stderr io.Writer) func() (*adminClient, error) {
	hub := fs.String("hub", "http://127.0.0.1:8400", "base URL of the hub")
	token := tokenFlag(fs, stderr)
	return func() (*adminClient, error) {
		base, err := hubBase(*hub)
		if err != nil {
			return nil, err
		}
		bearer, err := token()
		if err != nil {
			return nil, err
		}
		return &adminClient{base: base, token: bearer}, nil
	}
}

func runDestinations(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("destinations", flag.ContinueOnError)
	client := operatorFlags(fs, stderr)
	asJSON := fs.Bool("json", false, "print the hub's JSON response as it is, Aadhaar numbers masked")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam destinations [flags]")
		fmt.Fprintln(stderr, "Lists each destination with the circuit breaker of the replica that "+
			"responds, its backlog and its dead letters.")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}

	c, err := client()
	if err != nil {
		return err
	}
	data, err := c.call("GET", "/api/v1/destinations", nil)
	if err != nil {
		return err
	}
	if err := checkHubResponse(c.base, data, "destinations"); err != nil {
		return err
	}

	if *asJSON {
		return printHubJSON(stdout, data)
	}
	var page destinationsResponse
	if err := json.Unmarshal(data, &page); err != nil {
		return fmt.Errorf("reading the hub's response: %w", err)
	}
	printDestinations(stdout, page.Destinations)
	if page.BacklogUnavailable != "" {
		fmt.Fprintln(stderr, "warning: "+shownLine(maskAadhaar(page.BacklogUnavailable)))
	}
	return nil
}

// checkHubResponse returns an error when data, the body of a 2xx response
// of the hub at base, is not a JSON object with an array or null in each
// of arrays. A server that is not a Sangam hub may respond 200 with other
// JSON, which would otherwise read as an empty listing. The error for
// such a body wraps errHubSetup, and the one for a body that is not JSON
// starts with "reading the hub's response:".
func checkHubResponse(base string, data []byte, arrays ...string) error {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		var typeErr *json.UnmarshalTypeError
		if !errors.As(err, &typeErr) {
			return fmt.Errorf("reading the hub's response: %w", err)
		}
		// The body is JSON but not an object, so it has none of arrays.
	}
	for _, name := range arrays {
		// The hub lists no destinations as null.
		value := bytes.TrimSpace(fields[name])
		if len(value) > 0 && (value[0] == '[' || string(value) == "null") {
			continue
		}
		return notHubError(base, fmt.Sprintf("its response has no %q array", name), data)
	}
	return nil
}

// notHubError returns the error, wrapping errHubSetup, of data, a
// response from the server at base that shows by problem that the
// server is not a Sangam hub.
func notHubError(base, problem string, data []byte) error {
	return classedError{message: fmt.Sprintf("--hub %s does not look like a Sangam hub: %s "+
		"(response: %s)", base, problem, responseExcerpt(data)), class: errHubSetup,
		err: errors.New(problem)}
}

// responseExcerpt returns the start of data, a response body, for an
// error line: at most 100 characters, Aadhaar numbers masked and
// control characters written as their code points.
func responseExcerpt(data []byte) string {
	excerpt := []rune(maskAadhaar(string(bytes.TrimSpace(data))))
	if len(excerpt) > 100 {
		excerpt = append(excerpt[:100], '…')
	}
	return shownLine(string(excerpt))
}

// printHubJSON prints data, a JSON response, with every Aadhaar number
// masked and a line end.
func printHubJSON(stdout io.Writer, data []byte) error {
	_, err := fmt.Fprintln(stdout, maskAadhaar(string(bytes.TrimSpace(data))))
	return err
}

// printDestinations prints rows as a table. A count that the hub left
// out, because its journal did not respond, is printed as "-".
func printDestinations(stdout io.Writer, rows []destinationRow) {
	if len(rows) == 0 {
		fmt.Fprintln(stdout, "no destinations: the routes in force name none")
		return
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DESTINATION\tBREAKER\tPENDING\tRETRYING\tDEAD LETTERS\tRETRIES\t"+
		"OLDEST PENDING\tLAST FAILURE")
	for _, d := range rows {
		name, retries := d.Name, "on"
		switch {
		case !d.Configured:
			name += " (removed)"
			retries = "-"
		case d.Retries != nil && !*d.Retries:
			retries = "off"
		}
		pending, retrying, dead, oldest := "-", "-", "-", "-"
		if d.Backlog != nil {
			pending, retrying = strconv.Itoa(d.Pending), strconv.Itoa(d.Retrying)
			dead = strconv.Itoa(d.DeadLetters)
			if !d.OldestPendingAt.IsZero() {
				oldest = d.OldestPendingAt.Format(time.RFC3339)
			}
		}
		breaker := d.Breaker.State
		if d.Breaker.ConsecutiveFailures > 0 {
			breaker += fmt.Sprintf(" (%d failed in a row)", d.Breaker.ConsecutiveFailures)
		}
		lastFailure := "-"
		if d.Breaker.LastFailure != "" {
			lastFailure = d.Breaker.LastFailureAt.Format(time.RFC3339) + " " + d.Breaker.LastFailure
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", cell(name), cell(breaker), pending,
			retrying, dead, retries, oldest, cell(lastFailure))
	}
	tw.Flush()
}

// cell returns s as a table prints it: Aadhaar numbers masked, and tabs,
// line ends and other control characters written as their code points.
func cell(s string) string {
	return shownLine(maskAadhaar(s))
}

func runDeadLetters(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("deadletters", flag.ContinueOnError)
	client := operatorFlags(fs, stderr)
	filter := deadLetterFlags(fs, "list")
	replayed := fs.Bool("replayed", true, "list the dead letters replayed before too, so the "+
		"default lists all; --replayed=false lists only dead letters never replayed whose "+
		"message did not reach the destination by another replay")
	limit := fs.Int("limit", journal.DefaultLimit, "list at most this many dead letters, newest "+
		"first, reading as many pages of the hub's listing as that takes")
	asJSON := fs.Bool("json", false, "print the hub's JSON, Aadhaar numbers masked: one "+
		"response of GET /api/v1/deadletters with the dead letters of every page read")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam deadletters [flags]")
		fmt.Fprintln(stderr, "Lists dead letters, newest first. The filter flags are those of "+
			"sangam replay, so the same filter can be replayed next.")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}

	f, err := filter()
	if err != nil {
		return err
	}
	query := f.query()
	if !*replayed {
		query.Set("replayed", "false")
	}
	if *limit < 1 || *limit > maxListed {
		return usageErrorf("deadletters", "--limit: invalid value %d: want a whole number from 1 "+
			"to %d", *limit, maxListed)
	}

	c, err := client()
	if err != nil {
		return err
	}
	letters, next, err := listDeadLetters(c, query, *limit)
	if err != nil {
		return err
	}
	if next != "" {
		fmt.Fprintf(stderr, "listed %s, the limit, and more match: raise --limit (at most %d) "+
			"or narrow the filter\n", deadLetterCount(len(letters)), maxListed)
	}

	if *asJSON {
		data, err := json.Marshal(struct {
			DeadLetters []json.RawMessage `json:"dead_letters"`
			Next        string            `json:"next,omitempty"`
		}{letters, next})
		if err != nil {
			return err
		}
		return printHubJSON(stdout, data)
	}
	return printDeadLetters(stdout, letters)
}

// listDeadLetters reads the dead letters that query selects from c's
// hub, page after page, until it has limit of them or the hub has no
// more. Each is returned as the hub sent it. next is the cursor of the
// page after the last one read when more match, and "" otherwise.
func listDeadLetters(c *adminClient, query url.Values, limit int) (
	letters []json.RawMessage, next string, err error) {
	for {
		query.Set("limit", strconv.Itoa(min(limit-len(letters), journal.MaxLimit)))
		var page struct {
			DeadLetters []json.RawMessage `json:"dead_letters"`
			Next        string            `json:"next"`
		}
		data, err := c.call("GET", "/api/v1/deadletters?"+query.Encode(), nil)
		if err != nil {
			return nil, "", err
		}
		if err := checkHubResponse(c.base, data, "dead_letters"); err != nil {
			return nil, "", err
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return nil, "", fmt.Errorf("reading the hub's response: %w", err)
		}
		letters = append(letters, page.DeadLetters...)
		if page.Next == "" || len(letters) >= limit {
			return letters, page.Next, nil
		}
		if page.Next == query.Get("after") {
			return nil, "", fmt.Errorf("reading dead letters: the hub returned next %q again, "+
				"the cursor of the page it answered", page.Next)
		}
		query.Set("after", page.Next)
	}
}

// printDeadLetters prints letters, dead letters as the hub sent them, as
// a table.
func printDeadLetters(stdout io.Writer, letters []json.RawMessage) error {
	if len(letters) == 0 {
		fmt.Fprintln(stdout, "no dead letter matched")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DELIVERY\tMESSAGE\tDESTINATION\tROUTE\tATTEMPTS\tDIED\tREPLAYS\tREASON")
	for _, raw := range letters {
		var dl journal.DeadLetter
		if err := json.Unmarshal(raw, &dl); err != nil {
			return fmt.Errorf("reading the hub's response: %w", err)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\t%d\t%s\n", cell(dl.ID), cell(dl.MessageID),
			cell(dl.Destination), cell(dl.Route), len(dl.Attempts),
			dl.UpdatedAt.Format(time.RFC3339), len(dl.Replays), cell(dl.Reason))
	}
	return tw.Flush()
}

// deadLetterFilter is a filter of dead letters as the flags of
// deadLetterFlags give it. Empty fields match all.
type deadLetterFilter struct {
	destination, route, reason string
	from, to                   time.Time
}

// set reports whether f has a field set.
func (f deadLetterFilter) set() bool {
	return len(f.query()) > 0
}

// query returns f as the query of GET /api/v1/deadletters.
func (f deadLetterFilter) query() url.Values {
	query := url.Values{}
	for name, value := range map[string]string{
		"destination": f.destination, "route": f.route, "reason": f.reason,
	} {
		if value != "" {
			query.Set(name, value)
		}
	}
	for name, t := range map[string]time.Time{"from": f.from, "to": f.to} {
		if !t.IsZero() {
			query.Set(name, t.Format(time.RFC3339Nano))
		}
	}
	return query
}

// deadLetterFlags registers the filter flags of dead letters that
// sangam deadletters and sangam replay share: --destination, --route,
// --reason, --from and --to. verb is what the command does with the
// dead letters, such as "list" or "replay". The returned function gives
// the filter after parsing, or a usageError for a flag given as "", a
// time that is not RFC 3339 or a --from that is not before --to.
func deadLetterFlags(fs *flag.FlagSet, verb string) func() (deadLetterFilter, error) {
	var f deadLetterFilter
	var from, to string
	fs.StringVar(&f.destination, "destination", "", verb+" the dead letters of this destination")
	fs.StringVar(&f.route, "route", "", verb+" the dead letters of this route")
	fs.StringVar(&f.reason, "reason", "", verb+" the dead letters whose reason contains this "+
		"text, in the same letter case")
	fs.StringVar(&from, "from", "", verb+" dead letters that died at or after this RFC 3339 time")
	fs.StringVar(&to, "to", "", verb+" dead letters that died before this RFC 3339 time")
	return func() (deadLetterFilter, error) {
		// An empty filter would be dropped and match more than requested.
		for _, flag := range []struct{ name, want, absent string }{
			{"destination", "a destination's name", "no destination filter"},
			{"route", "a route's name", "no route filter"},
			{"reason", "text of the dead letters' reasons", "no reason filter"},
			{"from", "an RFC 3339 time", "no lower bound"},
			{"to", "an RFC 3339 time", "no upper bound"},
		} {
			if err := checkNotEmpty(fs, flag.name, flag.want, flag.absent); err != nil {
				return f, err
			}
		}
		for _, t := range []struct {
			name, value string
			parsed      *time.Time
		}{{"from", from, &f.from}, {"to", to, &f.to}} {
			if t.value == "" {
				continue
			}
			parsed, err := time.Parse(time.RFC3339, t.value)
			if err != nil {
				return f, usageErrorf(fs.Name(), "--%s: invalid time %q: want RFC 3339, such as "+
					"2025-12-01T00:00:00+05:30", t.name, t.value)
			}
			*t.parsed = parsed
		}
		if !f.from.IsZero() && !f.to.IsZero() && !f.to.After(f.from) {
			return f, usageErrorf(fs.Name(), "--from %s is not before --to %s, so no dead "+
				"letter can match: swap them or correct one", from, to)
		}
		return f, nil
	}
}
