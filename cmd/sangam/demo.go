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
	fs.SetOutput(stderr)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return errHelp
		}
		return err
	}
	cfg, err := config()
	if err != nil {
		return err
	}
	if cfg.PostgresDSN == "" && len(cfg.Routes) == 0 {
		fmt.Fprintf(stdout, "Sangam demo: hub on %s (SQLite in %s/), mock e-Courts on %s, "+
			"mock police station on %s\n\n", cfg.Listen, cfg.DataDir, demoCourtAddr, demoPoliceAddr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return demo(ctx, cfg, *once, stdout)
}

func demo(ctx context.Context, cfg hub.Config, once bool, out io.Writer) error {
	log := cfg.Log
	h, err := hub.Open(ctx, cfg)
	if err != nil {
		return err
	}
	hubURL := "http://" + h.Addr()
	mocks, err := startMocks(hubURL, log)
	if err != nil {
		return err
	}
	defer mocks.close()

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
	court   *court.Server
	station *police.Station
	servers []*http.Server
}

func startMocks(hubURL string, log *slog.Logger) (*demoMocks, error) {
	c, err := court.New(court.Config{HubURL: hubURL, Logger: log})
	if err != nil {
		return nil, err
	}
	m := &demoMocks{court: c, station: police.New(log)}
	for _, s := range []struct {
		addr    string
		handler http.Handler
	}{{demoCourtAddr, c}, {demoPoliceAddr, m.station}} {
		ln, err := net.Listen("tcp", s.addr)
		if err != nil {
			m.close()
			return nil, fmt.Errorf("starting mock agency on %s: %w", s.addr, err)
		}
		srv := &http.Server{Handler: s.handler, ReadHeaderTimeout: 10 * time.Second}
		m.servers = append(m.servers, srv)
		go func() { _ = srv.Serve(ln) }()
	}
	return m, nil
}

func (m *demoMocks) close() {
	m.court.Close()
	for _, s := range m.servers {
		_ = s.Close()
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
