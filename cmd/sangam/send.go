package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/sangam-hub/sangam/internal/problem"
)

func runSend(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	agency := fs.String("agency", "", "agency to send as, such as police or courts")
	hub := fs.String("hub", "http://127.0.0.1:8400", "base URL of the hub")
	contentType := fs.String("content-type", "",
		"media type of FILE (default: application/xml for .xml files, else application/json)")
	timeout := fs.Duration("timeout", 30*time.Second, "how long to wait for the hub's answer")
	token := tokenFlag(fs)
	file, err := parseFlags(fs, args, stderr)
	if err != nil {
		return err
	}
	if *agency == "" {
		return fmt.Errorf("missing --agency")
	}
	body, err := readInput(file)
	if err != nil {
		return err
	}
	ct := *contentType
	if ct == "" {
		ct = "application/json"
		if strings.HasSuffix(strings.ToLower(file), ".xml") {
			ct = "application/xml"
		}
	}
	url := strings.TrimRight(*hub, "/") + "/api/v1/inbound/" + *agency
	client := &http.Client{Timeout: *timeout}
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", ct)
	authorize(req, *token)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("posting to %s: %w", url, err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("reading the hub's response: %w", err)
	}
	return reportSend(resp.StatusCode, answer, stdout, stderr)
}

func reportSend(status int, answer []byte, stdout, stderr io.Writer) error {
	if status == http.StatusOK || status == http.StatusAccepted {
		_, err := stdout.Write(answer)
		return err
	}
	var p problem.Problem
	if json.Unmarshal(answer, &p) != nil || p.Title == "" {
		return fmt.Errorf("hub responded with HTTP %d: %s", status, bytes.TrimSpace(answer))
	}
	fmt.Fprintf(stderr, "%s: %s\n", p.Title, p.Detail)
	for _, v := range p.Errors {
		fmt.Fprintln(stderr, v.String())
	}
	if strings.HasSuffix(p.Type, ":unknown-agency") {
		return fmt.Errorf("hub responded with HTTP %d (%s)", status, p.Type)
	}
	if status >= 400 && status < 500 && !p.Retryable {
		return fmt.Errorf("%w: hub responded with HTTP %d (%s)", errInvalid, status, p.Type)
	}
	return fmt.Errorf("hub responded with HTTP %d (%s)", status, p.Type)
}

// tokenFlag registers --token, the bearer token sent to the hub.
func tokenFlag(fs *flag.FlagSet) *string {
	return fs.String("token", os.Getenv("SANGAM_TOKEN"),
		"bearer token for the hub's API (default $SANGAM_TOKEN)")
}

// authorize adds the bearer token to req when there is one.
func authorize(req *http.Request, token string) {
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
}
