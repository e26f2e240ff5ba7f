package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/internal/textcheck"
)

const routesUsage = `Usage: sangam routes COMMAND [flags]

Commands:
  export [--version N]                  print the newest routes version, or version N, and say whether it is in force
  apply FILE [--expect N] [--dry-run] [--comment T] [--by NAME]
                                        show the difference FILE makes, then save it as a new version;
                                        --expect N, the version FILE was exported from, makes it fail
                                        when another version was saved since
  history [--limit N] [--before N]      list the versions, newest first, or those before version N
                                        (all when N is past the newest), and mark the one in force
                                        on the hub that answered
  diff N [M]                            show the difference from version N to M (default: current)
  restore N [--expect M] [--dry-run] [--comment T] [--by NAME]
                                        show the difference, then save version N again as the newest
  explain --message ID                  explain a stored message with the version that routed it
                                        and each delivery's share with the policy its attempts apply
  explain --agency NAME FILE            explain an agency body with the routes in force

A version N is written 3 or, as history prints it, v3.
Every command takes --hub URL (default http://127.0.0.1:8400) and --token or
--token-file, after the command: sangam routes export --hub URL.
--by NAME is kept with the version as who made the change. A hub without
tokens records a change without --by as "api"; a hub with tokens records
the token's holder, with NAME beside it when it differs.`

// routesCommands are the commands of sangam routes, in the order of
// routesUsage.
var routesCommands = []string{"export", "apply", "history", "diff", "restore", "explain"}

// adminClient calls a hub's admin API.
type adminClient struct {
	base, token string
}

func (c *adminClient) do(method, path string, in, out any) error {
	data, err := c.call(method, path, in)
	if err != nil {
		return err
	}
	return json.Unmarshal(data, out)
}

// call sends in, when not nil, as the JSON body of a request to path and
// returns the body of a response below 300. Other responses are the
// errors of hubProblem.
func (c *adminClient) call(method, path string, in any) ([]byte, error) {
	var body io.Reader
	if in != nil {
		// An agency's XML body to explain is full of < and >, which the
		// encoder would otherwise write as six-byte escapes, and the hub
		// limits an explain request to twice the inbound limit.
		var b bytes.Buffer
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(in); err != nil {
			return nil, err
		}
		body = &b
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	authorize(req, c.token)
	resp, err := demoHTTP.Do(req)
	if err != nil {
		if setupErr := hubSetupError(c.base, err); setupErr != nil {
			return nil, setupErr
		}
		return nil, fmt.Errorf("%w: calling the hub: %w", errUnavailable, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return nil, fmt.Errorf("reading the hub's response: %w", err)
	}
	if resp.StatusCode >= 300 {
		return nil, hubProblem(c.base, resp.StatusCode, data)
	}
	return data, nil
}

// errUnauthorized marks a request that the hub rejected with HTTP 401 or
// 403, because of the token or its rights. Each later request with the
// same token would be rejected too.
var errUnauthorized = errors.New("unauthorized")

// authorizationError is the error of a 401 or 403 response. Its text is
// the hub's detail with a hint, and it matches errUnauthorized.
type authorizationError string

func (e authorizationError) Error() string { return string(e) }

func (e authorizationError) Is(target error) bool { return target == errUnauthorized }

// errUnchanged marks a routes change that the hub rejected because its
// document is the current version's.
var errUnchanged = errors.New("routes unchanged")

// hubProblem turns a problem details response of the hub at base into
// an error: its detail, then every violation on a line of its own with
// its pointer and rule. The later lines of a violation's message, such
// as the caret under a CEL error, are indented below it. A 400, 404,
// 409 or 413 is the input's fault: a 404 wraps errNotFound, a 409
// errConflict and the others errInvalid. A 429 or 5xx makes the error
// wrap errUnavailable. The hub responds to every error with problem
// details, so another body with a 429, 502, 503 or 504, which a proxy
// in front of the hub may send, is unavailable too, and with any other
// status shows that base is not a Sangam hub.
func hubProblem(base string, status int, data []byte) error {
	var p problem.Problem
	if json.Unmarshal(data, &p) != nil || p.Title == "" {
		switch status {
		case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable,
			http.StatusGatewayTimeout:
			return fmt.Errorf("%w: hub responded with HTTP %d: %s", errUnavailable, status,
				responseExcerpt(data))
		}
		return notHubError(base, fmt.Sprintf("it responded with HTTP %d without problem details",
			status), data)
	}
	// The detail describes what failed. The title is the problem type's,
	// such as "Message is invalid" for a routes document too.
	msg := p.Detail
	if msg == "" {
		msg = p.Title
	}
	for _, v := range p.Errors {
		msg += "\n  " + strings.ReplaceAll(v.String(), "\n", "\n    ")
	}
	if status == http.StatusConflict && p.Detail == api.UnchangedDetail {
		return fmt.Errorf("%w: %w: %s", errConflict, errUnchanged, msg)
	}
	if status == http.StatusConflict {
		return fmt.Errorf("%w: %s", errConflict, msg)
	}
	// A 404 in the hub's problem form names what the command was given:
	// a message id, a routes version or an agency that the hub lacks.
	if status == http.StatusNotFound {
		return fmt.Errorf("%w: %s", errNotFound, msg)
	}
	// A body over the hub's limit is input that no retry makes valid.
	if status == http.StatusBadRequest || status == http.StatusRequestEntityTooLarge {
		return fmt.Errorf("%w: %s", errInvalid, msg)
	}
	if status == http.StatusTooManyRequests || status >= 500 {
		return fmt.Errorf("%w: HTTP %d: %s", errUnavailable, status, msg)
	}
	if status == http.StatusUnauthorized || status == http.StatusForbidden {
		// The hub's detail names the Authorization header, which the
		// command sets from its flag.
		return authorizationError(fmt.Sprintf("%s: check --token or --token-file (default "+
			"$SANGAM_TOKEN), and that the token file grants it operator rights", msg))
	}
	return errors.New(msg)
}

func runRoutes(args []string, stdout, stderr io.Writer) error {
	err := runRoutesCommand(args, stdout, stderr)
	if len(args) > 0 {
		err = withCommand(err, "routes "+args[0])
	}
	return err
}

func runRoutesCommand(args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
		fmt.Fprintln(stderr, routesUsage)
		return errHelp
	}
	if len(args) == 0 || !slices.Contains(routesCommands, args[0]) {
		problem := "missing routes command"
		switch {
		case len(args) > 0 && strings.HasPrefix(args[0], "-"):
			problem = fmt.Sprintf("flag %s before the routes command: flags go after it, "+
				"as in sangam routes explain --hub URL --message ID", args[0])
		case len(args) > 0:
			problem = fmt.Sprintf("unknown routes command %q", args[0])
		}
		return usageError{command: "routes", topic: "commands",
			problem: problem + ": want one of " + strings.Join(routesCommands, ", ")}
	}
	fs := flag.NewFlagSet("routes "+args[0], flag.ContinueOnError)
	client := operatorFlags(fs, stderr)
	var version, expect, before versionNumber
	fs.Var(&version, "version", "version to export, such as 3 or v3 (default: the current one)")
	dryRun := fs.Bool("dry-run", false, "show the difference without saving")
	comment := fs.String("comment", "", "why the change is made, kept with the version")
	fs.Var(&expect, "expect", "the version the change is based on: it fails if a newer one was saved "+
		"(default: the current version)")
	by := fs.String("by", "", "who makes the change, kept with the version beside the token's holder "+
		"(default without tokens on the hub: api)")
	limit := fs.Int("limit", 20, "how many versions to list")
	fs.Var(&before, "before", "list the versions before this one, to page back through the history; "+
		"a number past the newest version lists from the newest")
	message := fs.String("message", "", "id of a stored message to explain")
	agency := fs.String("agency", "", "agency whose body FILE is, to explain")
	fs.Usage = func() {
		fmt.Fprintln(stderr, routesUsage)
		fmt.Fprintln(stderr, "\nFlags:")
		fs.PrintDefaults()
	}
	positional, err := parseArguments(fs, args[1:], stderr)
	if err != nil {
		return err
	}
	if (args[0] == "export" || args[0] == "history") && len(positional) > 0 {
		return usageErrorf(fs.Name(), "unexpected argument %q: routes %s takes flags only", positional[0], args[0])
	}
	if *limit < 1 || *limit > routestore.MaxListLimit {
		return usageErrorf(fs.Name(), "--limit: invalid value %d: want 1 to %d versions to list",
			*limit, routestore.MaxListLimit)
	}
	if err := checkChangeNotes(*by, *comment); err != nil {
		return usageErrorf(fs.Name(), "%v", err)
	}
	c, err := client()
	if err != nil {
		return err
	}
	switch args[0] {
	case "export":
		return routesExport(c, int(version), stdout, stderr)
	case "apply":
		change := api.RoutesChange{Comment: *comment, Expect: int(expect), DryRun: *dryRun, By: *by}
		return routesApply(c, positional, change, stdout, stderr)
	case "history":
		return routesHistory(c, *limit, int(before), stdout)
	case "diff":
		return routesDiff(c, positional, stdout)
	case "restore":
		change := api.RoutesChange{Comment: *comment, Expect: int(expect), DryRun: *dryRun, By: *by}
		return routesRestore(c, positional, change, stdout, stderr)
	case "explain":
		return routesExplain(c, *message, *agency, positional, stdout)
	}
	return fmt.Errorf("routes command %q is listed in routesCommands but has no handler", args[0])
}

// checkChangeNotes returns an error naming the flag when by or comment,
// the values of --by and --comment, breaks a rule that the hub checks,
// such as containing an Aadhaar number, so that the value is rejected
// before it is sent. An empty by is not checked, because the hub fills
// it in.
func checkChangeNotes(by, comment string) error {
	var errs []error
	if by != "" {
		errs = append(errs, routestore.ValidateBy(by))
	}
	errs = append(errs, routestore.ValidateComment(comment))
	var lines []string
	for _, err := range errs {
		if err != nil {
			// Each error starts with the field's name, so "--" makes it
			// the flag's.
			lines = append(lines, "--"+strings.ReplaceAll(err.Error(), "\n", "; --"))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	return errors.New(strings.Join(lines, "; "))
}

func getVersion(c *adminClient, n int) (api.RoutesVersion, error) {
	var v api.RoutesVersion
	path := "/api/v1/routes"
	if n > 0 {
		path = "/api/v1/routes/versions/" + strconv.Itoa(n)
	}
	return v, c.do(http.MethodGet, path, nil, &v)
}

// routesExport prints the document byte for byte, so that applying the
// exported file changes nothing; the version's details go to stderr.
func routesExport(c *adminClient, n int, stdout, stderr io.Writer) error {
	v, err := getVersion(c, n)
	if err != nil {
		return err
	}
	state := "in force on the hub that answered"
	if !v.InForce {
		state = "not yet in force on the hub that answered; if it stays so, its log says why"
		if n > 0 {
			state = "not in force"
		}
	}
	fmt.Fprintf(stderr, "routes version %d (%s), saved %s by %s\n", v.Number, state,
		v.CreatedAt.Format("2006-01-02 15:04:05 MST"), cell(v.By))
	_, err = io.WriteString(stdout, v.Document)
	return err
}

// routesApply saves the document in files[0] with the comment, author,
// base version and dry-run setting of change. A change without Expect is
// based on the current version, and a warning on stderr explains that it
// undoes any version saved since the file was exported.
func routesApply(c *adminClient, files []string, change api.RoutesChange, stdout, stderr io.Writer) error {
	if len(files) != 1 {
		return usageErrorf("routes apply", "apply needs exactly one FILE")
	}
	doc, err := readInput(files[0])
	if err != nil {
		return err
	}
	if len(doc) > routestore.MaxDocumentBytes {
		return fmt.Errorf("%w: %s: %d bytes is over the maximum of %d for a routes document",
			errInvalid, files[0], len(doc), routestore.MaxDocumentBytes)
	}
	var noExpect string
	if change.Expect == 0 {
		cur, err := getVersion(c, 0)
		if err != nil {
			return err
		}
		change.Expect = cur.Number
		noExpect = fmt.Sprintf("warning: without --expect, %s replaces version %d, the current one, "+
			"and undoes any change saved since the file was exported; pass --expect with the "+
			"version that routes export printed", files[0], cur.Number)
	}
	change.Document = string(doc)
	dryRun := change.DryRun
	change.DryRun = true
	var preview api.RoutesChangeResult
	err = c.do(http.MethodPut, "/api/v1/routes", change, &preview)
	if errors.Is(err, errUnchanged) {
		fmt.Fprintln(stdout, "no change: the file is the current version")
		return nil
	}
	if err != nil {
		return err
	}
	if noExpect != "" {
		// Only a change undoes anything, so a file that is the current
		// version gets no warning.
		fmt.Fprintln(stderr, noExpect)
	}
	printChange(stdout, preview)
	printWarnings(stderr, preview)
	if dryRun {
		fmt.Fprintln(stdout, "dry run: nothing saved")
		return nil
	}
	change.DryRun = false
	var res api.RoutesChangeResult
	if err := c.do(http.MethodPut, "/api/v1/routes", change, &res); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved as version %d; %s\n", res.Saved.Number, savedState(res.Saved))
	return nil
}

// savedState returns where v, a version that the hub has just saved, is in
// force: the hub that saved it puts it in force before it responds,
// unless that fails or takes too long, and the other replicas at their
// next read of the routes store.
func savedState(v *api.RoutesVersion) string {
	if v.InForce {
		return "in force on the hub that answered, and on every other replica within a few seconds"
	}
	return "not yet in force on the hub that answered; every replica puts it in force within a " +
		"few seconds, and a replica's log says why if it does not"
}

func printChange(w io.Writer, r api.RoutesChangeResult) {
	for _, line := range r.Summary {
		fmt.Fprintln(w, line)
	}
	for _, d := range r.RemovedDestinations {
		fmt.Fprintln(w, "warning: "+d.Warning)
	}
	if r.Diff != "" {
		fmt.Fprintln(w)
		fmt.Fprint(w, r.Diff)
	}
}

// printWarnings writes the warnings of r to w, one line each. They do
// not stop the change, so they change no exit code.
func printWarnings(w io.Writer, r api.RoutesChangeResult) {
	for _, warning := range r.Warnings {
		fmt.Fprintln(w, "warning: "+warning)
	}
}

func routesHistory(c *adminClient, limit, before int, stdout io.Writer) error {
	var out struct {
		Versions []api.RoutesVersionInfo `json:"versions"`
	}
	path := "/api/v1/routes/versions?limit=" + strconv.Itoa(limit)
	if before > 0 {
		path += "&before=" + strconv.Itoa(before)
	}
	if err := c.do(http.MethodGet, path, nil, &out); err != nil {
		return err
	}
	if len(out.Versions) == 0 {
		if before > 0 {
			fmt.Fprintf(stdout, "no versions before version %d\n", before)
		} else {
			fmt.Fprintln(stdout, "no versions saved yet")
		}
		return nil
	}
	for _, v := range out.Versions {
		// The mark has a column of its own, because a note after the
		// author would read as part of the name, as "ops-bob (for
		// alice)" is.
		mark := " "
		if v.InForce {
			mark = "*"
		}
		note := cell(v.Comment)
		// The hub's default comment of a restore already names the version.
		if v.RestoredFrom > 0 && v.Comment != api.RestoreComment(v.RestoredFrom) {
			note = strings.TrimLeft(note+fmt.Sprintf(" (restores v%d)", v.RestoredFrom), " ")
		}
		line := fmt.Sprintf("%s v%-4d %s  %-20s %s", mark, v.Number,
			v.CreatedAt.UTC().Format("2006-01-02 15:04:05Z"), cell(v.By), note)
		fmt.Fprintln(stdout, strings.TrimRight(line, " "))
	}
	return nil
}

// versionNumber is a flag that takes a routes version number written
// bare (3) or as routes history prints it (v3).
type versionNumber int

func (v *versionNumber) String() string { return strconv.Itoa(int(*v)) }

func (v *versionNumber) Set(s string) error {
	n, err := parseVersion(s)
	if err != nil {
		return err
	}
	*v = versionNumber(n)
	return nil
}

// parseVersion reads a routes version number written bare (3) or as
// routes history prints it (v3).
func parseVersion(s string) (int, error) {
	digits := strings.TrimPrefix(s, "v")
	if digits == "" || strings.Trim(digits, "0123456789") != "" {
		return 0, errors.New("want a version number such as 3 or v3")
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return 0, fmt.Errorf("want a version number from 1 to %d", math.MaxInt)
	}
	if n < 1 {
		return 0, errors.New("want a version number from 1, such as 3 or v3")
	}
	return n, nil
}

// versionArgs returns the version numbers of args, the arguments of the
// command want, which takes from one to limit of them.
func versionArgs(args []string, want string, limit int) ([]int, error) {
	if len(args) > limit {
		allowed := "one version number"
		if limit > 1 {
			allowed = fmt.Sprintf("at most %d version numbers", limit)
		}
		return nil, usageErrorf("routes "+want, "unexpected argument %q: %s takes %s", args[limit], want, allowed)
	}
	var ns []int
	for _, a := range args {
		n, err := parseVersion(a)
		if err != nil {
			return nil, usageErrorf("routes "+want, "invalid version %q: %v", a, err)
		}
		ns = append(ns, n)
	}
	if len(ns) == 0 {
		return nil, usageErrorf("routes "+want, "%s needs a version number", want)
	}
	return ns, nil
}

func routesDiff(c *adminClient, args []string, stdout io.Writer) error {
	ns, err := versionArgs(args, "diff", 2)
	if err != nil {
		return err
	}
	from, err := getVersion(c, ns[0])
	if err != nil {
		return err
	}
	to, err := getVersion(c, 0)
	if len(ns) > 1 {
		to, err = getVersion(c, ns[1])
	}
	if err != nil {
		return err
	}
	a, b := fmt.Sprintf("v%d", from.Number), fmt.Sprintf("v%d", to.Number)
	if sum, err := routestore.Summarize([]byte(from.Document), []byte(to.Document)); err == nil {
		for _, line := range sum.Lines() {
			fmt.Fprintln(stdout, line)
		}
	}
	fmt.Fprint(stdout, routestore.Diff([]byte(from.Document), []byte(to.Document), a, b))
	return nil
}

// routesRestore saves the version in args again with the settings of
// change. A change without Expect is based on the current version, and a
// warning on stderr names that version once a dry run of the restore has
// passed, so that a version that does not exist, or a restore the hub
// rejects, gets its error alone.
func routesRestore(c *adminClient, args []string, change api.RoutesChange, stdout, stderr io.Writer) error {
	ns, err := versionArgs(args, "restore", 1)
	if err != nil {
		return err
	}
	path := fmt.Sprintf("/api/v1/routes/versions/%d/restore", ns[0])
	var res api.RoutesChangeResult
	previewed := false
	if change.Expect == 0 {
		cur, err := getVersion(c, 0)
		if err != nil {
			return err
		}
		change.Expect = cur.Number
		preview := change
		preview.DryRun = true
		if err := c.do(http.MethodPost, path, preview, &res); err != nil {
			return err
		}
		previewed = true
		fmt.Fprintf(stderr, "warning: without --expect, the restore replaces version %d, the current "+
			"one, whatever it holds; pass --expect with the version you reviewed\n", cur.Number)
	}
	// A dry run without --expect is done once its preview is.
	if !previewed || !change.DryRun {
		res = api.RoutesChangeResult{}
		if err := c.do(http.MethodPost, path, change, &res); err != nil {
			return err
		}
	}
	printChange(stdout, res)
	printWarnings(stderr, res)
	if change.DryRun {
		fmt.Fprintln(stdout, "dry run: nothing saved")
		return nil
	}
	fmt.Fprintf(stdout, "version %d restored as version %d; %s\n", ns[0], res.Saved.Number,
		savedState(res.Saved))
	return nil
}

func routesExplain(c *adminClient, message, agency string, files []string, stdout io.Writer) error {
	req := api.ExplainRequest{MessageID: message, Agency: agency}
	if message != "" && (agency != "" || len(files) > 0) {
		return usageErrorf("routes explain", "explain takes either --message ID or --agency NAME FILE, not both")
	}
	if agency != "" {
		if len(files) != 1 {
			return usageErrorf("routes explain", "explain --agency needs exactly one FILE")
		}
		body, err := readInput(files[0])
		if err != nil {
			return err
		}
		req.Body = string(body)
		if strings.HasSuffix(strings.ToLower(files[0]), ".xml") {
			req.ContentType = "application/xml"
		}
	} else if message == "" {
		return usageErrorf("routes explain", "explain needs --message ID or --agency NAME FILE")
	} else {
		id, err := parseHubID("routes explain", "--message", message,
			"the hub's message id, as the inbound response gave it")
		if err != nil {
			return err
		}
		req.MessageID = id
	}
	var out json.RawMessage
	if err := c.do(http.MethodPost, "/api/v1/routes/explain", req, &out); err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, out, "", "  "); err != nil {
		return err
	}
	_, err := fmt.Fprintln(stdout, pretty.String())
	return err
}

// shownLine returns s with each character that textcheck.Unsafe names
// written as its code point, such as <U+000A>. The hub saves no such
// comment or name, but versions saved before it checked them may hold
// some, and a terminal would act on them.
func shownLine(s string) string {
	var b strings.Builder
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		if textcheck.Unsafe(r) {
			fmt.Fprintf(&b, "<%U>", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
