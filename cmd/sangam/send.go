package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	neturl "net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/schemas"
)

func runSend(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	agency := fs.String("agency", "", "agency to send as, such as police or courts")
	hub := fs.String("hub", "http://127.0.0.1:8400", "base URL of the hub")
	contentType := fs.String("content-type", "",
		"media type of FILE (default: application/xml for .xml files and for standard input "+
			"that starts with <, else application/json)")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the hub's answer")
	retries := fs.Int("retries", 3,
		"how many more times to send when the hub answers 503 or 429 (after its Retry-After) "+
			"or cannot be reached: connection refused, reset or closed, or timed out (after 1s, "+
			"then twice as long each time); each wait is at most 30s")
	token := tokenFlag(fs, stderr)
	file, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if err := requireFlag(fs, "agency"); err != nil {
		return err
	}
	if *timeout <= 0 {
		return flagErrorf("--timeout: %s is not positive", *timeout)
	}
	if !agencyName.MatchString(*agency) {
		return flagErrorf("--agency: invalid name %q: want lowercase letters, digits, '.', '_' or '-'",
			*agency)
	}
	body, err := readInput(file)
	if err != nil {
		return err
	}
	ct := *contentType
	if ct == "" {
		ct = "application/json"
		// Standard input has no file name, so its first character decides.
		if strings.HasSuffix(strings.ToLower(file), ".xml") ||
			(file == "-" && bytes.HasPrefix(bytes.TrimLeft(body, " \t\r\n\xef\xbb\xbf"), []byte("<"))) {
			ct = "application/xml"
		}
	}
	if *retries < 0 {
		return flagErrorf("--retries: %d is negative", *retries)
	}
	base, err := hubBase(*hub)
	if err != nil {
		return err
	}
	bearer, err := token()
	if err != nil {
		return err
	}
	url := base + "/api/v1/inbound/" + *agency
	client := &http.Client{Timeout: *timeout}
	unreachableWait := time.Second
	for try := 0; ; try++ {
		status, answer, wait, err := post(client, url, ct, bearer, body)
		if err != nil {
			if setupErr := hubSetupError(base, err); setupErr != nil {
				return setupErr
			}
			// The hub may or may not have stored the message; sending
			// it again is safe, because the hub deduplicates.
			if !unreachable(err) || try == *retries {
				return fmt.Errorf("%w: %v; check that the hub runs at --hub, then send the "+
					"message again: the hub deduplicates resends", errNotStored, err)
			}
			fmt.Fprintln(stderr, maskAadhaar(fmt.Sprintf("%v; sending again in %s", err, unreachableWait)))
			time.Sleep(unreachableWait)
			unreachableWait = min(2*unreachableWait, maxRetryAfter)
			continue
		}
		again := status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests
		if !again || try == *retries {
			return reportSend(status, answer, stdout, stderr)
		}
		// The hub stored nothing, and a message it did store before
		// comes back as a duplicate, so sending again is safe.
		fmt.Fprintf(stderr, "hub responded with HTTP %d; sending again in %s\n", status, wait)
		time.Sleep(wait)
	}
}

// unreachable reports whether err shows that the hub could not be
// reached or dropped the connection, such as while it restarts: the
// connection was refused, reset or closed early, or timed out.
func unreachable(err error) bool {
	var netErr net.Error
	return errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		(errors.As(err, &netErr) && netErr.Timeout())
}

// maxRetryAfter caps the wait that a Retry-After header requests.
const maxRetryAfter = 30 * time.Second

// post sends body to url and returns the response's status and body and
// the wait its Retry-After header requests (1 s when it has none).
// agencyName is the form of an agency's name in the routes, which the
// URL of a post carries as one path segment.
var agencyName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,62}$`)

func post(client *http.Client, url, contentType, token string, body []byte) (
	int, []byte, time.Duration, error,
) {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, 0, err
	}
	req.Header.Set("Content-Type", contentType)
	authorize(req, token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("posting to %s: %w", url, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return 0, nil, 0, fmt.Errorf("reading the hub's response: %w", err)
	}
	wait := time.Second
	if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
		wait = min(time.Duration(s)*time.Second, maxRetryAfter)
	}
	return resp.StatusCode, answer, wait, nil
}

// reportSend prints the hub's response to a post and returns an error
// for any status but 200 or 202. The error starts with a label for the
// class of the response, such as "forbidden", "conflict" or "busy", and
// wraps the error that gives the exit status.
func reportSend(status int, answer []byte, stdout, stderr io.Writer) error {
	if status == http.StatusOK || status == http.StatusAccepted {
		_, err := stdout.Write(answer)
		return err
	}
	var p problem.Problem
	if json.Unmarshal(answer, &p) != nil || p.Title == "" {
		err := fmt.Errorf("hub responded with HTTP %d: %s", status, bytes.TrimSpace(answer))
		if status >= 500 || status == http.StatusTooManyRequests {
			return fmt.Errorf("%s, %w: %w", busyLabel(status), errNotStored, err)
		}
		return err
	}
	printProblem(stderr, p)
	answered := fmt.Sprintf("hub responded with HTTP %d (%s)", status, p.Type)
	switch {
	case status == http.StatusNotFound:
		return fmt.Errorf("not found: %s: check --hub and --agency", answered)
	case status == http.StatusForbidden && len(p.Errors) > 0:
		// The token is valid for the agency, but the errors name a field
		// of the document that it may not post, such as another station.
		return fmt.Errorf("%w: %s: the token may not post this document", errForbiddenDocument,
			answered)
	case status == http.StatusUnauthorized:
		return fmt.Errorf("unauthorized: %s: check --token or --token-file", answered)
	case status == http.StatusForbidden:
		return fmt.Errorf("forbidden: %s: check --token or --token-file, and --agency", answered)
	case status >= 500 || status == http.StatusTooManyRequests || p.Retryable:
		return fmt.Errorf("%s, %w: %s; send the message again later: the hub deduplicates "+
			"resends", busyLabel(status), errNotStored, answered)
	case status == http.StatusConflict:
		return fmt.Errorf("%w: %s", errConflict, answered)
	case status >= 400 && status < 500:
		return fmt.Errorf("%w: %s", errInvalid, answered)
	}
	return errors.New(answered)
}

// busyLabel returns the label of a response that stored nothing for
// now: "busy" for 503 and 429, which the hub sends when it is busy, and
// "hub error" for the other statuses, such as a proxy's 502.
func busyLabel(status int) string {
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		return "busy"
	}
	return "hub error"
}

// printProblem prints the problem's title and detail, then its errors
// one a line. An error that only repeats the detail is not printed again,
// as with the one entry of a 409 for a reused message id, of a malformed
// body or of a 403 for another office. Its pointer then goes before the
// detail and its rule after it.
func printProblem(w io.Writer, p problem.Problem) {
	if len(p.Errors) == 1 && repeatsDetail(p.Errors[0], p.Detail) {
		v := p.Errors[0]
		detail := p.Detail
		if v.Pointer != "" && !strings.HasPrefix(detail, v.Pointer+": ") {
			detail = v.Pointer + ": " + detail
		}
		fmt.Fprintf(w, "%s: %s (%s)\n", p.Title, detail, v.Rule)
		return
	}
	fmt.Fprintf(w, "%s: %s\n", p.Title, p.Detail)
	for _, v := range p.Errors {
		fmt.Fprintln(w, v.String())
	}
}

// repeatsDetail reports whether detail is v's message, with or without
// its pointer before it, followed by at most a clause such as "; nothing
// was stored".
func repeatsDetail(v schemas.Violation, detail string) bool {
	if v.Pointer != "" {
		detail = strings.TrimPrefix(detail, v.Pointer+": ")
	}
	rest, ok := strings.CutPrefix(detail, v.Message)
	return ok && (rest == "" || strings.HasPrefix(rest, ";"))
}

// tokenFlag registers --token and --token-file, which give the bearer
// token sent to the hub, and returns a function that gives the token
// after parsing: --token, else the contents of the --token-file file,
// else $SANGAM_TOKEN.
func tokenFlag(fs *flag.FlagSet, stderr io.Writer) func() (string, error) {
	token := envString(fs, "token", "SANGAM_TOKEN", "bearer token for the hub's API; "+
		"other users of the machine can read it in the process list, so prefer --token-file",
		"a bearer token", "requests without a token")
	file := fs.String("token-file", "", "file that contains the bearer token for the hub's API "+
		"on one line, in place of --token")
	return func() (string, error) {
		if err := checkNotEmpty(fs, "token-file", "the path of a token file",
			"--token or $SANGAM_TOKEN"); err != nil {
			return "", err
		}
		// An empty --token would send no token, as an empty
		// $SANGAM_TOKEN would, and is rejected for the same reason.
		if err := checkNotEmpty(fs, "token", "a bearer token",
			"$SANGAM_TOKEN, or for requests without a token when it is unset"); err != nil {
			return "", err
		}
		if *file == "" {
			return token()
		}
		if flagSet(fs, "token") {
			return "", flagErrorf("--token and --token-file are both set: give one")
		}
		return readTokenFlag("token-file", *file, stderr)
	}
}

// readTokenFlag returns the token in file, given with the flag named
// flagName: its one line without the line end or surrounding white
// space. Errors name the flag and never quote the contents. A file that
// others may read gets a warning on stderr.
func readTokenFlag(flagName, file string, stderr io.Writer) (string, error) {
	content, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("--%s: %w", flagName, err)
	}
	warnReadableTokenFile(stderr, flagName, file)
	token := strings.TrimSpace(string(content))
	switch {
	case token == "":
		return "", fmt.Errorf("--%s %s: the file is empty: want the token on one line, "+
			"as sangam token --token-only prints it", flagName, file)
	case strings.ContainsFunc(token, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		return "", fmt.Errorf("--%s %s: the token contains white space or a control "+
			"character: want the token alone on one line, as sangam token --token-only prints it",
			flagName, file)
	}
	return token, nil
}

// authorize adds the bearer token to req when there is one.
func authorize(req *http.Request, token string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}

// hubBase returns the --hub URL without a trailing slash, or an error
// naming the flag when it is not an http or https URL with a host.
func hubBase(raw string) (string, error) {
	u, err := neturl.Parse(raw)
	valid := err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" &&
		(u.Path == "" || u.Path == "/") && u.RawQuery == "" && u.Fragment == "" && u.User == nil
	if valid && u.Port() != "" {
		port, err := strconv.Atoi(u.Port())
		valid = err == nil && port >= 1 && port <= 65535
	}
	if !valid {
		return "", flagErrorf("--hub: invalid URL %q: want http://HOST:PORT, without a path, "+
			"query, user or password", redactURL(raw))
	}
	return strings.TrimRight(raw, "/"), nil
}

// redactedText replaces the user and password, the query and the
// fragment of a URL in messages.
const redactedText = "xxxxx"

// redactURL returns raw, a URL that may be invalid, with its user and
// password, the text between "://" and the last "@" of the authority,
// replaced by redactedText. So is all that follows the first "?" or "#",
// the query and the fragment, which may contain a token, as ?token= does.
func redactURL(raw string) string {
	if q := strings.IndexAny(raw, "?#"); q >= 0 {
		raw = raw[:q+1] + redactedText
	}
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	authority := rest
	if end := strings.IndexAny(rest, "/?#"); end >= 0 {
		authority = rest[:end]
	}
	at := strings.LastIndex(authority, "@")
	if at < 0 {
		return raw
	}
	return scheme + "://" + redactedText + rest[at:]
}
