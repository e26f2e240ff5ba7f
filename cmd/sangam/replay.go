package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/journal"
)

func runReplay(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("replay", flag.ContinueOnError)
	client := operatorFlags(fs, stderr)
	force := fs.Bool("force", false, "replay even deliveries that were replayed before; a forced replay carries an Idempotency-Key of its own, so a deduplicating destination processes it again. With a filter, a message that reached its destination is still left out")
	by := fs.String("by", "", "your name, recorded with each replay beside the token's holder (default without a token: cli)")
	filter := deadLetterFlags(fs, "replay")
	dryRun := fs.Bool("dry-run", false, "list what the command would replay now, and why it "+
		"would leave other matching dead letters out, and replay nothing")
	limit := fs.Int("limit", 0, "replay at most this many dead letters (default 100)")
	all := fs.Bool("all", false, "replay the dead letters of every destination and route")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam replay [flags] DELIVERY_ID...")
		fmt.Fprintln(stderr, "       sangam replay [flags] --destination NAME|--route NAME|--reason TEXT|--from T|--to T|--all")
		fmt.Fprintln(stderr, "A DELIVERY_ID given more than once, in any letter case, is replayed once.")
		fs.PrintDefaults()
	}
	ids, err := parseArguments(fs, args, stderr)
	if err != nil {
		return err
	}
	if err := checkNotEmpty(fs, "by", "your name",
		"the token's holder alone (cli without a token)"); err != nil {
		return err
	}
	f, err := filter()
	if err != nil {
		return err
	}
	filtered := f.set()
	if err := checkReplayFlags(fs, ids, filtered, *all, *limit); err != nil {
		return err
	}
	if ids, err = parseDeliveryIDs(ids); err != nil {
		return err
	}
	c, err := client()
	if err != nil {
		return err
	}
	base, bearer := c.base, c.token
	who := *by
	if who == "" && bearer == "" {
		// With a token the hub records its holder, and "cli" beside it
		// would read as a person the holder acted for.
		who = "cli"
	}
	if err := (api.ReplayRequest{By: who}).Check(); err != nil {
		// Checked once here, or each id would print the same error.
		return usageErrorf("replay", "--%v", err)
	}
	replay := api.ReplayRequest{Force: *force, By: who, DryRun: *dryRun}
	switch {
	case len(ids) > 0:
		return replayEach(base, bearer, ids, replay, stderr, stdout)
	case filtered || *all:
		req := api.ReplayManyRequest{ReplayRequest: replay, Destination: f.destination,
			Route: f.route, Reason: f.reason, From: f.from, To: f.to, Limit: *limit, All: *all}
		if err := req.Check(); err != nil {
			// The flags were checked above, so only a rule added to
			// the request later gets here.
			return fmt.Errorf("%w: %v", errInvalid, err)
		}
		body, _ := json.Marshal(req)
		// The hub counts in skipped every matching dead letter that it
		// leaves out, so this is printed only when none matched at all.
		none := "no dead letter matched the filter"
		if req.All {
			none = "no dead letter to replay: the hub's journal has none"
		}
		n, err := postReplay(base, "/api/v1/deadletters/replay", body, bearer, none, stdout)
		if err != nil {
			return err
		}
		if req.DryRun {
			// A dry run counts the dead letters beyond the limit itself.
			fmt.Fprintln(stdout, dryRunNote)
			return nil
		}
		warnReplayLimit(stderr, n, req.Limit, req.Force)
		return nil
	}
	return usageErrorf("replay", "missing delivery ids or a filter: give DELIVERY_ID..., a filter "+
		"(--destination, --route, --reason, --from, --to), or --all to replay every dead letter")
}

// parseHubID returns id, the hub's id of a message or delivery given as
// name, an argument or flag of command, as journal.ParseID returns it.
// Unless id is a UUID, it returns a usageError that names name and ends
// with want, what the id should be.
func parseHubID(command, name, id, want string) (string, error) {
	parsed, err := journal.ParseID(name, id)
	if err != nil {
		return "", usageErrorf(command, "%v, %s", err, want)
	}
	return parsed, nil
}

// parseDeliveryIDs returns ids, the DELIVERY_ID arguments of replay, as
// journal.ParseID returns them, in their order and with each id once, so
// that an id given twice is replayed once. Every id is checked before the
// first replay, so that a mistyped one leaves all of them unreplayed.
func parseDeliveryIDs(ids []string) ([]string, error) {
	parsed := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		id, err := parseHubID("replay", "DELIVERY_ID", id,
			"the id of a dead letter, as GET /api/v1/deadletters lists it")
		if err != nil {
			return nil, err
		}
		if !seen[id] {
			seen[id] = true
			parsed = append(parsed, id)
		}
	}
	return parsed, nil
}

// checkReplayFlags returns a usageError when the flags of fs conflict
// with each other or with ids, the delivery ids given. filtered reports
// whether a filter flag is set. all and limit are the values of --all
// and --limit.
func checkReplayFlags(fs *flag.FlagSet, ids []string, filtered, all bool, limit int) error {
	switch {
	case len(ids) > 0 && (filtered || all):
		return usageErrorf("replay", "give delivery ids or a filter, not both")
	case len(ids) > 0 && flagSet(fs, "limit"):
		return usageErrorf("replay", "--limit applies to a filter or --all only, and each "+
			"delivery id given is replayed: leave --limit out, or replay by a filter")
	case filtered && all:
		return usageErrorf("replay", "--all replays every dead letter, so it may not be set with "+
			"--destination, --route, --reason, --from or --to: leave --all out to replay by the filter")
	}
	// The hub rejects "limit": 0 as well, so 0 never means the default.
	if flagSet(fs, "limit") && (limit < 1 || limit > journal.MaxLimit) {
		return usageErrorf("replay", "--limit: invalid value %d: want a whole number from 1 to %d, "+
			"or leave --limit out for %d", limit, journal.MaxLimit, journal.DefaultLimit)
	}
	return nil
}

// replayEach replays the dead letters ids one after another. When the
// hub rejects one of several, such as an unknown id, replayEach prints
// the error on stderr, goes on with the rest and returns the last such
// error. The rejection of a single id is only returned. A hub that
// cannot be reached, or a --hub that cannot work, stops the run, because
// the rest would fail too, and so does a token that the hub rejects.
func replayEach(base, token string, ids []string, req api.ReplayRequest, stderr, stdout io.Writer) error {
	body, _ := json.Marshal(req)
	var rejected error
	answered := false
	defer func() {
		// Printed once for all ids, after the lines of the last one.
		if req.DryRun && answered {
			fmt.Fprintln(stdout, dryRunNote)
		}
	}()
	for _, id := range ids {
		_, err := postReplay(base, "/api/v1/deliveries/"+url.PathEscape(id)+"/replay", body, token,
			"no dead letters matched", stdout)
		answered = answered || err == nil
		switch {
		case errors.Is(err, errUnavailable), errors.Is(err, errHubSetup),
			errors.Is(err, errUnauthorized):
			return err
		case err != nil && len(ids) == 1:
			// The caller prints the returned error, so a line here would
			// print it twice.
			return fmt.Errorf("%s not replayed: %w", id, err)
		case err != nil:
			fmt.Fprintln(stderr, maskAadhaar(fmt.Sprintf("%s not replayed: %v", id, err)))
			rejected = err
		}
	}
	if rejected != nil && len(ids) > 1 {
		return fmt.Errorf("some dead letters were not replayed, as printed above; the last: %w", rejected)
	}
	return rejected
}

// dryRunNote ends the output of a dry run that the hub responded to.
const dryRunNote = "dry run: nothing replayed"

// warnReplayLimit prints a warning when a filtered replay of n dead
// letters stopped at its limit, because more may still match the filter. A
// limit of 0 means the hub's default.
func warnReplayLimit(stderr io.Writer, n, limit int, force bool) {
	if limit == 0 {
		limit = journal.DefaultLimit
	}
	if n < limit {
		return
	}
	next := "run the same command again, which skips the dead letters replayed now"
	if force {
		// A forced replay starts again from the oldest dead letter.
		next = fmt.Sprintf("narrow the filter with --from and --to, or raise --limit (at most %d)",
			journal.MaxLimit)
	}
	fmt.Fprintf(stderr, "replayed %s, the limit of one command, so more may match: %s\n",
		deadLetterCount(n), next)
}

// deadLetterCount returns n and "dead letter", plural unless n is 1.
func deadLetterCount(n int) string {
	if n == 1 {
		return "1 dead letter"
	}
	return fmt.Sprintf("%d dead letters", n)
}

// replayLine returns the line that replay prints for r. An earlier
// replay's line ends with the status of the newest replay in its chain,
// so that a message delivered by a replay of a replay does not read as
// dead.
func replayLine(r api.ReplayResult) string {
	if !r.Existing {
		return fmt.Sprintf("%s replayed as %s to %s", r.Of, r.Delivery.ID, r.Delivery.Destination)
	}
	replays := r.Delivery.ID
	newest := r.Delivery
	if r.Latest != nil {
		replays += " and last as " + r.Latest.ID
		newest = *r.Latest
	}
	// The newest replay may have died too. Print its status, so that an
	// operator does not take the letter for handled.
	status := newest.Status
	if status == journal.StatusDead && newest.Reason != "" {
		status += ": " + newest.Reason
	}
	hint := ""
	if newest.Status == journal.StatusDead {
		// Replaying the newest replay continues the chain, where --force
		// would send the message again with a key of its own.
		hint = "; to try again, replay " + newest.ID
	}
	return fmt.Sprintf("%s already replayed as %s to %s (%s)%s", r.Of, replays,
		r.Delivery.Destination, status, hint)
}

// replayedBeforeHint is the line that a filtered replay prints when every
// matching dead letter was left out and some of them only because they
// were replayed before. --force never resends a message that reached its
// destination, so the hint leads to no second delivery of one.
const replayedBeforeHint = "nothing replayed: the matching dead letters were left out as listed " +
	"above; --force replays again, under new keys, those replayed before whose message has " +
	"not reached the destination"

// skippedReasons maps reasons of the hub's skipped counts that name the
// fields of the request to the same reasons in the flags of replay.
var skippedReasons = map[string]string{
	api.SkippedBeyondLimit: "beyond the limit of the run: raise --limit, or narrow the filter " +
		"with --from and --to",
	api.SkippedReplayedBefore: "replayed before: only a run with --force replays them again, " +
		"and then only those whose message has not reached the destination",
}

// printSkipped prints the skipped counts of out, the response to a
// filtered replay, and replayedBeforeHint when the run replayed nothing
// and left some dead letters out because they were replayed before.
func printSkipped(stdout io.Writer, out api.ReplayResponse) {
	replayedBefore := false
	for _, sk := range out.Skipped {
		count := deadLetterCount(sk.DeadLetters)
		if sk.AtLeast {
			count = "at least " + count
		}
		reason := sk.Reason
		if flagReason, ok := skippedReasons[reason]; ok {
			reason = flagReason
		}
		replayedBefore = replayedBefore || sk.Reason == api.SkippedReplayedBefore
		// Masked before control characters are escaped, as the dry run's
		// lines are.
		fmt.Fprintln(stdout, cell(fmt.Sprintf("skipped %s to %s: %s", count, sk.Destination,
			reason)))
	}
	if replayedBefore && len(out.Replays) == 0 && len(out.WouldReplay) == 0 {
		fmt.Fprintln(stdout, replayedBeforeHint)
	}
}

// postReplay posts a replay request to path on the hub at base and prints
// each replay on stdout, or none when the hub replayed nothing. It
// returns how many deliveries the hub replayed or had replayed before.
func postReplay(base, path string, body []byte, token, none string, stdout io.Writer) (int, error) {
	url := base + path
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	authorize(req, token)
	resp, err := demoHTTP.Do(req)
	if err != nil {
		if setupErr := hubSetupError(base, err); setupErr != nil {
			return 0, setupErr
		}
		return 0, fmt.Errorf("%w: posting to %s: %w", errUnavailable, url, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, fmt.Errorf("reading the hub's response: %w", err)
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return 0, hubProblem(base, resp.StatusCode, data)
	}
	if err := checkHubResponse(base, data, "replays"); err != nil {
		return 0, err
	}
	var out api.ReplayResponse
	if err := json.Unmarshal(data, &out); err != nil {
		return 0, fmt.Errorf("reading the hub's response: %w", err)
	}
	for _, r := range out.Replays {
		fmt.Fprintln(stdout, maskAadhaar(replayLine(r)))
	}
	for _, dl := range out.WouldReplay {
		// Masked first (cell), because shownLine writes a tab between
		// the digit groups as <U+0009>, which masking reads as no
		// separator.
		fmt.Fprintln(stdout, cell(fmt.Sprintf(
			"would replay %s to %s (message %s, route %s, died %s: %s)", dl.ID, dl.Destination,
			dl.MessageID, dl.Route, dl.UpdatedAt.Format(time.RFC3339), dl.Reason)))
	}
	printSkipped(stdout, out)
	if len(out.Replays) == 0 && len(out.WouldReplay) == 0 && len(out.Skipped) == 0 {
		fmt.Fprintln(stdout, none)
	}
	return len(out.Replays), nil
}
