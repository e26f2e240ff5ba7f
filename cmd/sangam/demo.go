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
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/mocks/court"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/routes"
)

// Addresses of the mock agencies, as the embedded default routes name
// them.
const (
	demoCourtAddr  = "127.0.0.1:8401"
	demoPoliceAddr = "127.0.0.1:8402"
)

// settleTimeout bounds the wait for one journey to finish.
const settleTimeout = 60 * time.Second

func runDemo(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	config := hubFlags(fs)
	once := fs.Bool("once", false, "stop after the sample traffic instead of serving until interrupted")
	courtAddr := fs.String("court-listen", demoCourtAddr, "address of the mock e-Courts system")
	policeAddr := fs.String("police-listen", demoPoliceAddr, "address of the mock police station")
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return errFlags
	}
	cfg, err := config()
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demo(ctx, cfg, *courtAddr, *policeAddr, *once, stdout)
}

func demo(ctx context.Context, cfg hub.Config, courtAddr, policeAddr string, once bool,
	out io.Writer) error {
	mocks, err := listenMocks(courtAddr, policeAddr)
	if err != nil {
		return err
	}
	defer mocks.close()
	if len(cfg.Routes) == 0 {
		cfg.Routes = mocks.routes()
	}
	h, err := hub.Open(ctx, cfg)
	if err != nil {
		return err
	}
	hubURL := "http://" + h.Addr()
	if err := mocks.serve(hubURL, cfg.Log); err != nil {
		return err
	}
	fmt.Fprintf(out, "Sangam demo: hub on %s, mock e-Courts on %s, mock police station on %s\n\n",
		h.Addr(), mocks.listeners[0].Addr(), mocks.listeners[1].Addr())

	hubCtx, stopHub := context.WithCancel(context.WithoutCancel(ctx))
	hubDone := make(chan error, 1)
	go func() { hubDone <- h.Run(hubCtx) }()

	err = sendSamples(ctx, hubURL, mocks, out)
	if err == nil && !once {
		fmt.Fprintf(out, "\nThe hub and the mock agencies keep running; press Ctrl-C to stop.\n"+
			"  curl -s %s/api/v1/messages/MESSAGE_ID   a message's journey\n"+
			"  go run ./cmd/sangam send --agency police FILE   send a police document\n",
			hubURL)
		<-ctx.Done()
	}
	stopHub()
	return errors.Join(err, <-hubDone)
}

type demoMocks struct {
	listeners []net.Listener // the court's, then the police station's
	court     *court.Server
	station   *police.Station
	servers   []*http.Server
}

// listenMocks binds the mock agencies' addresses, before the hub starts,
// so the routes can name them.
func listenMocks(courtAddr, policeAddr string) (*demoMocks, error) {
	m := &demoMocks{}
	for _, addr := range []string{courtAddr, policeAddr} {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("starting mock agency on %s: %w", addr, err)
		}
		m.listeners = append(m.listeners, ln)
	}
	return m, nil
}

// routes returns the embedded default routes with the mocks' bound
// addresses in place of the default ones.
func (m *demoMocks) routes() []byte {
	doc := string(routes.DefaultDocument())
	doc = strings.ReplaceAll(doc, "http://"+demoCourtAddr, "http://"+m.listeners[0].Addr().String())
	doc = strings.ReplaceAll(doc, "http://"+demoPoliceAddr, "http://"+m.listeners[1].Addr().String())
	return []byte(doc)
}

// serve starts the mocks; the court calls back the hub at hubURL.
func (m *demoMocks) serve(hubURL string, log *slog.Logger) error {
	c, err := court.New(court.Config{HubURL: hubURL, Logger: log})
	if err != nil {
		return err
	}
	m.court, m.station = c, police.New(log)
	for i, handler := range []http.Handler{c, m.station} {
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
	for _, s := range m.servers {
		_ = s.Close()
	}
	for _, ln := range m.listeners {
		_ = ln.Close()
	}
}

func sendSamples(ctx context.Context, hubURL string, mocks *demoMocks, out io.Writer) error {
	client := &hubClient{base: hubURL}
	for _, s := range storyOrder(police.Samples()) {
		fmt.Fprintf(out, "police station sends %s\n", s.Name)
		res, err := client.send(ctx, "police", s.Body)
		if err != nil {
			return err
		}
		if res.problem != nil {
			fmt.Fprintf(out, "  hub rejected it (HTTP %d): %s\n", res.status, res.problem.Detail)
			for _, v := range res.problem.Errors {
				fmt.Fprintf(out, "    %s\n", v)
			}
			continue
		}
		how := "accepted"
		if res.duplicate {
			how = "already had it (duplicate), original"
		}
		fmt.Fprintf(out, "  hub %s: message %s\n", how, res.messageID)
		if err := followJourney(ctx, client, res.messageID, out); err != nil {
			return err
		}
	}
	fmt.Fprintf(out, "\nmock police station received %d notifications, mock court %d filings\n",
		len(mocks.station.Received()), len(mocks.court.Received()))
	return nil
}

// followJourney waits for a message's deliveries to settle, prints them,
// and follows the court's replies to it the same way.
func followJourney(ctx context.Context, c *hubClient, id string, out io.Writer) error {
	j, err := c.settled(ctx, id)
	if err != nil {
		return err
	}
	printJourney(out, j, "  ")
	if j.Type != "chargesheet" || j.Status != "delivered" {
		return nil
	}
	replies, err := c.waitReplies(ctx, id)
	if err != nil {
		return err
	}
	for _, r := range replies {
		rj, err := c.settled(ctx, r.MessageID)
		if err != nil {
			return err
		}
		cnr := ""
		if reg := rj.Message.CourtRegistration; reg != nil {
			cnr = reg.CNR
		}
		fmt.Fprintf(out, "  court answered with CNR %s: message %s\n", cnr, rj.MessageID)
		printJourney(out, rj, "    ")
	}
	return nil
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
