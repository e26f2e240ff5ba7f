package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/inbox"
	"github.com/sangam-hub/sangam/mocks/passport"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/mocks/prison"
	"github.com/sangam-hub/sangam/routes"
)

// The mock agencies, in the order of their ports in the embedded default
// routes: 127.0.0.1:8401 for the first, 8402 for the next, and so on.
var demoAgencies = []string{
	"e-Courts", "police station EKM0412", "passport office", "police station EKM0420",
	"district police office Kochi City", "immigration FRRO Kochi", "prisons (e-Prisons Kerala)",
	"district police office Ernakulam Rural",
}

// demoBasePort is the first mock agency's port in the default routes.
const demoBasePort = 8401

// settleTimeout bounds the wait for one journey to finish.
const settleTimeout = 60 * time.Second

func runDemo(args []string, stdout, stderr io.Writer) error {
	tuneGC()
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	config := hubFlags(fs)
	once := fs.Bool("once", false, "stop after the sample traffic instead of serving until interrupted")
	mockPort := fs.Int("mock-port", demoBasePort,
		fmt.Sprintf("first port of the %d mock agencies on 127.0.0.1; 0 picks free ports",
			len(demoAgencies)))
	if f := fs.Lookup("routes"); f != nil {
		f.Usage = "routes file (YAML) that seeds an empty routes store; once routes are stored " +
			"they stay in force, and a later start only compares the file with them and logs a " +
			"warning when they differ (default: the embedded default routes with this run's mock " +
			"ports, which replace the stored routes when they differ)"
	}
	if f := fs.Lookup("tokens"); f != nil {
		f.Usage = "not taken by the demo, whose samples and mocks call the hub without tokens; " +
			"sangam serve --tokens runs a hub that requires them, and sangam mocks runs mock " +
			"agencies that post to it with tokens"
	}
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: sangam demo [flags]")
		fs.PrintDefaults()
	}
	if err := parseFlagsOnly(fs, args, stderr); err != nil {
		return err
	}
	if err := checkMockPort(*mockPort); err != nil {
		return err
	}
	// The token file keeps digests only, so the demo has no token to send
	// its samples and the mocks' replies with. The check comes before
	// config reads the file, so a missing or invalid one gets this error.
	// An empty value is rejected too, as serve rejects it.
	tokens, given := os.LookupEnv("SANGAM_TOKENS")
	if flagSet(fs, "tokens") {
		tokens, given = fs.Lookup("tokens").Value.String(), true
	}
	if given {
		return fmt.Errorf("the sample traffic and the mock agencies call the hub without "+
			"tokens, so the demo does not take a token file (--tokens or $SANGAM_TOKENS, here %q); "+
			"run sangam serve --tokens for a hub that requires them, and sangam mocks "+
			"--courts-token-file FILE --police-token-file FILE for mock agencies that post to it "+
			"with tokens", tokens)
	}
	cfg, err := config()
	if err != nil {
		return err
	}
	cfg.Log = slog.New(demoLogHandler{cfg.Log.Handler()})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demo(ctx, cfg, *mockPort, *once, stdout)
}

// checkMockPort returns an error naming --mock-port unless port is 0, for
// free ports, or leaves room for every mock agency below 65536.
func checkMockPort(port int) error {
	if last := 65535 - len(demoAgencies) + 1; port < 0 || port > last {
		return flagErrorf("--mock-port: %d is invalid: want 0 for free ports, or the first of "+
			"%d ports from 1 to %d", port, len(demoAgencies), last)
	}
	return nil
}

func demo(ctx context.Context, cfg hub.Config, mockPort int, once bool, out io.Writer) error {
	mocks, err := listenMocks(mockPort)
	if err != nil {
		return err
	}
	defer mocks.close()
	if len(cfg.Routes) == 0 {
		// The routes name this run's mock ports, so they replace the
		// routes that an earlier run on the same data folder stored.
		cfg.Routes = mocks.routes()
		cfg.ReplaceRoutes = true
	}
	h, err := openHub(ctx, cfg)
	if err != nil {
		return err
	}
	hubURL := "http://" + h.Addr()
	serials, err := courtSerialFile(cfg.DataDir)
	if err != nil {
		return err
	}
	if err := mocks.serve(hubURL, serials, mockTokens{}, cfg.Log); err != nil {
		return err
	}
	fmt.Fprintf(out, "Sangam demo: hub on http://%s\n", h.Addr())
	for i, ln := range mocks.listeners {
		fmt.Fprintf(out, "  mock %s on %s\n", demoAgencies[i], ln.Addr())
	}
	fmt.Fprintln(out)

	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hubDone := make(chan error, 1)
	go func() { hubDone <- h.Run(hubCtx) }()

	err = sendSamples(ctx, hubURL, mocks, out)
	if err == nil && !once {
		fmt.Fprintf(out, "\nThe hub and the mock agencies keep running; press Ctrl-C to stop.\n"+
			"  curl -s %s/api/v1/messages/MESSAGE_ID   a message's journey\n"+
			"  go run ./cmd/sangam send --hub %s --agency police FILE   send a police document\n",
			hubURL, hubURL)
		<-ctx.Done()
	}
	stopHub()
	return errors.Join(err, <-hubDone)
}

type demoMocks struct {
	listeners []net.Listener // in the order of demoAgencies
	court     *court.Server
	// stations are EKM0412, EKM0420 and the district offices of Kochi
	// City and Ernakulam Rural, which take escalations.
	stations  []*police.Station
	passport  *passport.Office
	prison    *prison.Prison
	recorders []*inbox.Inbox // the court's movements, immigration
	servers   []*http.Server
}

// listenMocks binds the mock agencies' addresses before the hub starts,
// so the routes can name them: ports from firstPort up, or free ports
// when firstPort is 0.
func listenMocks(firstPort int) (*demoMocks, error) {
	m := &demoMocks{}
	for i := range demoAgencies {
		addr := "127.0.0.1:0"
		if firstPort != 0 {
			addr = fmt.Sprintf("127.0.0.1:%d", firstPort+i)
		}
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("starting mock %s on %s: %w", demoAgencies[i], addr, err)
		}
		m.listeners = append(m.listeners, ln)
	}
	return m, nil
}

// routes returns the embedded default routes with the mocks' bound
// ports in place of the default ones.
func (m *demoMocks) routes() []byte {
	ports := make([]int, len(m.listeners))
	for i, ln := range m.listeners {
		ports[i] = ln.Addr().(*net.TCPAddr).Port
	}
	return mockRoutes(ports)
}

// mockRoutes returns the embedded default routes with ports, one for each
// mock agency in the order of demoAgencies, in place of the default
// ports, in the URLs and in the comment that names the ports. It
// replaces every address in one pass, so that a mock port that is
// another's default is not replaced twice.
func mockRoutes(ports []int) []byte {
	var pairs []string
	for i, port := range ports {
		pairs = append(pairs,
			fmt.Sprintf("http://127.0.0.1:%d/", demoBasePort+i), fmt.Sprintf("http://127.0.0.1:%d/", port),
			fmt.Sprintf(" on %d", demoBasePort+i), fmt.Sprintf(" on %d", port))
	}
	return []byte(strings.NewReplacer(pairs...).Replace(string(routes.DefaultDocument())))
}

// courtSerialFile returns the file in the data folder that keeps the mock
// court's last CNR serials, creating the folder when a hub on PostgreSQL
// did not. Without it, a second run on the same journal would give a new
// case a CNR that the first run gave another, and the hub would reject
// the court's callback for it.
func courtSerialFile(dataDir string) (string, error) {
	if dataDir == "" {
		dataDir = hub.DefaultDataDir
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return "", fmt.Errorf("creating data folder: %w", err)
	}
	return filepath.Join(dataDir, "mock-court-serials.json"), nil
}

// mockTokens are the bearer tokens that the mocks send to a hub that
// requires them. An empty token sends none.
type mockTokens struct {
	courts string // sent with the court's docketing callbacks
	police string // sent with the stations' verification reports
}

// serve starts the mocks. The court calls back the hub at hubURL and
// keeps its last CNR serials in serialFile, when that is not empty. The
// police stations send their verification reports to the hub: EKM0412
// reports the cases the hub matched, EKM0420 reports applicants clear.
func (m *demoMocks) serve(hubURL, serialFile string, tokens mockTokens, log *slog.Logger) error {
	c, err := court.New(court.Config{HubURL: hubURL, SerialFile: serialFile, Token: tokens.courts,
		Logger: log})
	if err != nil {
		return err
	}
	m.court = c
	for range 4 {
		m.stations = append(m.stations, police.New(log))
	}
	m.stations[0].Answer(police.Answering{HubURL: hubURL, Token: tokens.police,
		Outcome: police.AnswerAdverse, Delay: 200 * time.Millisecond})
	m.stations[1].Answer(police.Answering{HubURL: hubURL, Token: tokens.police,
		Outcome: police.AnswerClear, Delay: 200 * time.Millisecond})
	m.passport = passport.New(log)
	m.prison = prison.New(log)
	m.recorders = []*inbox.Inbox{inbox.New("court movements", log), inbox.New("immigration", log)}

	courtMux := http.NewServeMux()
	courtMux.Handle("/movements", m.recorders[0].Recorder())
	courtMux.Handle("/", c)
	handlers := []http.Handler{courtMux, m.stations[0], m.passport, m.stations[1],
		m.stations[2], m.recorders[1].Recorder(), m.prison, m.stations[3]}
	for i, handler := range handlers {
		srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second}
		m.servers = append(m.servers, srv)
		ln := m.listeners[i]
		go func() { _ = srv.Serve(ln) }()
	}
	return nil
}

func (m *demoMocks) close() {
	if m.court != nil {
		m.court.Close()
	}
	for _, st := range m.stations {
		st.Close()
	}
	for _, s := range m.servers {
		_ = s.Close()
	}
	for _, ln := range m.listeners {
		_ = ln.Close()
	}
}

func sendSamples(ctx context.Context, hubURL string, mocks *demoMocks, out io.Writer) error {
	client := &hubClient{base: hubURL}
	flows := []struct {
		title, agency string
		samples       []namedDoc
	}{
		{"A case from FIR to court", "police", policeDocs()},
		{"Court orders to prisons", "courts", courtDocs()},
		{"Prisoner movements", "prisons", prisonDocs()},
		{"Passport police verification", "passport", passportDocs()},
	}
	for _, f := range flows {
		fmt.Fprintf(out, "== %s ==\n", f.title)
		for _, d := range f.samples {
			if err := sendOne(ctx, client, f.agency, d, out); err != nil {
				return err
			}
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintf(out, "mock court: %d filings, %d movements; station EKM0412: %d notifications, "+
		"%d verification requests; station EKM0420: %d notifications, %d verification requests; "+
		"passport office: %d reports; immigration: %d movements; prisons: %d court orders\n",
		len(mocks.court.Received()), mocks.recorders[0].Len(), len(mocks.stations[0].Received()),
		len(mocks.stations[0].Verifications()), len(mocks.stations[1].Received()),
		len(mocks.stations[1].Verifications()),
		len(mocks.passport.Received()), mocks.recorders[1].Len(), len(mocks.prison.Received()))
	return nil
}

// namedDoc is one sample document an agency sends.
type namedDoc struct {
	name    string
	body    []byte
	invalid bool
}

func policeDocs() []namedDoc {
	var out []namedDoc
	for _, s := range storyOrder(police.Samples()) {
		out = append(out, namedDoc{s.Name, s.Body, s.Invalid})
	}
	return out
}

// courtDocs returns the court's orders, the invalid one last.
func courtDocs() []namedDoc {
	var out []namedDoc
	for _, s := range court.Samples() {
		out = append(out, namedDoc{s.Name, s.Body, s.Invalid})
	}
	sort.SliceStable(out, func(i, j int) bool { return !out[i].invalid && out[j].invalid })
	return out
}

func prisonDocs() []namedDoc {
	var out []namedDoc
	for _, s := range prison.Samples() {
		out = append(out, namedDoc{s.Name, s.Body, s.Invalid})
	}
	return out
}

func passportDocs() []namedDoc {
	var out []namedDoc
	for _, s := range passport.Samples() {
		out = append(out, namedDoc{s.Name, s.Body, s.Invalid})
	}
	return out
}

// sendOne posts one document as agency and follows what the hub does
// with it.
func sendOne(ctx context.Context, client *hubClient, agency string, d namedDoc, out io.Writer) error {
	fmt.Fprintf(out, "%s sends %s\n", agency, d.name)
	res, err := client.send(ctx, agency, d.body)
	if err != nil {
		return err
	}
	if res.problem != nil {
		fmt.Fprintf(out, "  hub rejected it (HTTP %d): %s\n", res.status, res.problem.Detail)
		for _, v := range res.problem.Errors {
			fmt.Fprintf(out, "    %s\n", v)
		}
		return nil
	}
	how := "accepted"
	if res.duplicate {
		how = "already had it (duplicate), original"
	}
	fmt.Fprintf(out, "  hub %s: message %s\n", how, res.messageID)
	return followJourney(ctx, client, res.messageID, out)
}

// followJourney waits for a message's deliveries to settle, prints them,
// and follows the court's replies to it the same way.
func followJourney(ctx context.Context, c *hubClient, id string, out io.Writer) error {
	j, err := c.settled(ctx, id)
	if err != nil {
		return err
	}
	printJourney(out, j, "  ")
	if o := j.Message.CourtOrder; o != nil {
		printOrder(out, o)
	}
	if vr := j.Message.VerificationRequest; vr != nil {
		fmt.Fprintf(out, "  hub assigned police station %s, due on %s, %d matching record(s)\n",
			vr.PoliceStation, vr.DueOn, len(vr.Matches))
	}
	answered := j.Type == "chargesheet" || j.Type == "verification_request"
	if !answered || j.Status != "delivered" {
		return nil
	}
	wait := settleTimeout
	if j.Type == "verification_request" {
		wait = 5 * time.Second
	}
	replies, err := c.waitReplies(ctx, id, wait)
	if err != nil && j.Type == "verification_request" {
		// A station may be silent; the hub escalates after the deadline.
		fmt.Fprintln(out, "  the police station has not reported yet")
		return nil
	}
	if err != nil {
		return err
	}
	for _, r := range replies {
		rj, err := c.settled(ctx, r.MessageID)
		if err != nil {
			return err
		}
		switch {
		case rj.Message.CourtRegistration != nil:
			reg := rj.Message.CourtRegistration
			reason := ""
			if reg.Reason != "" {
				reason = " (" + reg.Reason + ")"
			}
			fmt.Fprintf(out, "  court answered with CNR %s%s: message %s\n", reg.CNR, reason, rj.MessageID)
		case rj.Message.VerificationReport != nil:
			fmt.Fprintf(out, "  police station reported %s: message %s\n",
				rj.Message.VerificationReport.Outcome, rj.MessageID)
		case rj.Message.VerificationRequest != nil && rj.Message.VerificationRequest.Escalated:
			fmt.Fprintf(out, "  the request is overdue, so the hub escalated it: message %s\n",
				rj.MessageID)
		}
		printJourney(out, rj, "    ")
	}
	return nil
}

// printOrder prints what a court order requires of which prison.
func printOrder(out io.Writer, o *canonical.CourtOrder) {
	who := "the person named"
	if names := o.Prisoner.Person.Names; len(names) > 0 {
		who = names[0].Full
	}
	if o.Prisoner.Number != "" {
		who += " (prisoner " + o.Prisoner.Number + ")"
	}
	fmt.Fprintf(out, "  court %s issued a %s for %s, prison %s\n", o.Court.Code,
		strings.ReplaceAll(string(o.Kind), "_", " "), who, o.Prisoner.PrisonCode)
}

func printJourney(out io.Writer, j journal.Journey, indent string) {
	var matched []string
	for _, r := range j.Routing {
		if r.Matched {
			matched = append(matched, r.Route)
		}
	}
	routes := strings.Join(matched, ", ")
	if routes == "" {
		routes = "none"
	}
	fmt.Fprintf(out, "%s%s for %s, routes matched: %s, status %s\n", indent, j.Type, j.CaseKey,
		routes, j.Status)
	for _, d := range j.Deliveries {
		line := fmt.Sprintf("%s  -> %s: %s after %d attempt(s)", indent, d.Destination, d.Status,
			len(d.Attempts))
		if d.Reason != "" {
			line += ": " + d.Reason
		}
		fmt.Fprintln(out, line)
	}
}

// storyOrder puts the samples in the order a case unfolds: FIR, arrest,
// final reports, then the invalid ones.
func storyOrder(samples []police.Sample) []police.Sample {
	rank := func(s police.Sample) int {
		switch {
		case s.Invalid:
			return 3
		case strings.HasPrefix(s.Name, "fir"):
			return 0
		case strings.HasPrefix(s.Name, "arrest"):
			return 1
		}
		return 2
	}
	sort.SliceStable(samples, func(i, j int) bool { return rank(samples[i]) < rank(samples[j]) })
	return samples
}

// demoLogHandler is the demo's log handler: the hub's, without the audit
// lines of journal reads. The demo reads the journey of every message it
// prints, so those lines would bury the log. sangam serve keeps them.
type demoLogHandler struct{ slog.Handler }

func (h demoLogHandler) Handle(ctx context.Context, r slog.Record) error {
	if r.Message == api.JournalReadMessage {
		return nil
	}
	return h.Handler.Handle(ctx, r)
}

func (h demoLogHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return demoLogHandler{h.Handler.WithAttrs(attrs)}
}

func (h demoLogHandler) WithGroup(name string) slog.Handler {
	return demoLogHandler{h.Handler.WithGroup(name)}
}
