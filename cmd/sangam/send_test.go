package main

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// busyHub responds 503 busy to its first busy posts and 202 after.
type busyHub struct {
	busy  int
	posts int
}

func (h *busyHub) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.posts++
	if h.posts <= h.busy {
		w.Header().Set("Retry-After", "0")
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"type":"urn:sangam:problem:busy","title":"Hub is busy",` +
			`"status":503,"detail":"send it again in a second","retryable":true}`))
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = w.Write([]byte(`{"message_id":"m-1"}`))
}

func sendTo(t *testing.T, url string, extra ...string) (int, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "fir.json")
	if err := os.WriteFile(file, []byte(`{"message_id":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	args := append([]string{"send", "--agency", "police", "--hub", url}, extra...)
	code := run(append(args, file), &stdout, &stderr)
	return code, stdout.String() + stderr.String()
}

func TestSendRetriesWhileHubBusy(t *testing.T) {
	hub := &busyHub{busy: 2}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	if code, out := sendTo(t, srv.URL); code != exitOK {
		t.Fatalf("exit code %d, want %d: %s", code, exitOK, out)
	}
	if hub.posts != 3 {
		t.Errorf("the hub got %d posts, want 3: two busy answers and the accepted one", hub.posts)
	}
}

func TestSendGivesUpWithNotStored(t *testing.T) {
	hub := &busyHub{busy: 100}
	srv := httptest.NewServer(hub)
	defer srv.Close()

	if code, out := sendTo(t, srv.URL, "--retries", "2"); code != exitNotStored {
		t.Fatalf("exit code %d, want %d: %s", code, exitNotStored, out)
	}
	if hub.posts != 3 {
		t.Errorf("the hub got %d posts, want 3: the first and two retries", hub.posts)
	}
}

func TestSendExitStatusByAnswer(t *testing.T) {
	tests := []struct {
		name   string
		status int
		want   int
	}{
		{"bad token", http.StatusUnauthorized, exitSetup},
		{"wrong agency", http.StatusForbidden, exitSetup},
		{"invalid", http.StatusBadRequest, exitInvalid},
		{"conflict", http.StatusConflict, exitInvalid},
		{"wrong path", http.StatusNotFound, exitSetup},
		{"proxy error", http.StatusBadGateway, exitNotStored},
		{"rate limited", http.StatusTooManyRequests, exitNotStored},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				retryable := tc.status >= 500
				w.Header().Set("Retry-After", "0")
				w.Header().Set("Content-Type", "application/problem+json")
				w.WriteHeader(tc.status)
				_, _ = fmt.Fprintf(w, `{"type":"urn:sangam:problem:test","title":"Test",`+
					`"status":%d,"detail":"test answer","retryable":%t}`, tc.status, retryable)
			}))
			defer srv.Close()
			code, out := sendTo(t, srv.URL, "--retries", "1")
			if code != tc.want {
				t.Errorf("HTTP %d: exit code %d, want %d: %s", tc.status, code, tc.want, out)
			}
			if tc.status == http.StatusConflict && !strings.Contains(out, "sangam send: conflict: ") {
				t.Errorf("HTTP 409: output %q does not name the conflict", out)
			}
		})
	}

	t.Run("document outside the token's scope", func(t *testing.T) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/problem+json")
			w.WriteHeader(http.StatusForbidden)
			_, _ = fmt.Fprint(w, `{"type":"urn:sangam:problem:forbidden","title":"Not allowed",`+
				`"status":403,"detail":"test answer","retryable":false,"errors":[`+
				`{"pointer":"/fir/police_station","rule":"station-scope","message":"not this station"}]}`)
		}))
		defer srv.Close()
		code, out := sendTo(t, srv.URL, "--retries", "0")
		if code != exitInvalid {
			t.Errorf("exit code %d, want %d: %s", code, exitInvalid, out)
		}
		if !strings.Contains(out, "/fir/police_station") {
			t.Errorf("output does not name the field:\n%s", out)
		}
		if strings.Contains(out, "check --token") {
			t.Errorf("output blames the token for the document:\n%s", out)
		}
	})

	t.Run("hub without scheme", func(t *testing.T) {
		if code, out := sendTo(t, "127.0.0.1:1"); code != exitSetup {
			t.Errorf("exit code %d, want %d: %s", code, exitSetup, out)
		}
	})

	t.Run("hub down", func(t *testing.T) {
		srv := httptest.NewServer(http.NotFoundHandler())
		url := srv.URL
		srv.Close()
		code, out := sendTo(t, url, "--retries", "0")
		if code != exitNotStored {
			t.Errorf("exit code %d, want %d: %s", code, exitNotStored, out)
		}
		if strings.Contains(out, "sending again") {
			t.Errorf("with --retries 0, send sent again:\n%s", out)
		}
	})
}

func TestSendRetriesWhileHubUnreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()

	type result struct {
		code int
		out  string
	}
	file := filepath.Join(t.TempDir(), "fir.json")
	if err := os.WriteFile(file, []byte(`{"message_id":"x"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	done := make(chan result, 1)
	go func() {
		var out bytes.Buffer
		code := run([]string{"send", "--agency", "police", "--hub", "http://" + addr, file}, &out, &out)
		done <- result{code, out.String()}
	}()
	time.Sleep(300 * time.Millisecond)
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("listening again on %s: %v", addr, err)
	}
	hub := &busyHub{}
	srv := &http.Server{Handler: hub, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	r := <-done
	if r.code != exitOK {
		t.Fatalf("exit code %d, want %d: %s", r.code, exitOK, r.out)
	}
	if !strings.Contains(r.out, "sending again in 1s") {
		t.Errorf("send did not say it waits 1s before sending again:\n%s", r.out)
	}
	// One refused post, then one retry that the hub took.
	if n := strings.Count(r.out, "sending again"); n != 1 {
		t.Errorf("send sent again %d times, want once:\n%s", n, r.out)
	}
	if hub.posts != 1 {
		t.Errorf("the hub got %d posts, want 1", hub.posts)
	}
}

func TestSendLabelsXMLOnStandardInput(t *testing.T) {
	var got string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("Content-Type")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusAccepted)
		_, _ = w.Write([]byte(`{"message_id":"m1","messages":[]}`))
	}))
	t.Cleanup(srv.Close)

	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	stdin := os.Stdin
	os.Stdin = r
	t.Cleanup(func() { os.Stdin = stdin })
	go func() {
		_, _ = w.Write([]byte("\n  <CourtOrderReport/>"))
		_ = w.Close()
	}()
	if code, _, errOut := runCLI(t, "send", "--agency", "courts", "--hub", srv.URL, "-"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if got != "application/xml" {
		t.Errorf("Content-Type = %q, want application/xml for XML on standard input", got)
	}
}

func TestSendRejectsAgencyThatIsNoName(t *testing.T) {
	for _, agency := range []string{"police?x=1", "../v1/messages", "Police"} {
		code, _, errOut := runCLI(t, "send", "--agency", agency, "--hub", "http://127.0.0.1:9", "f.json")
		if code == exitOK || !strings.Contains(errOut, "--agency: invalid name") {
			t.Errorf("--agency %q: exit %d, stderr %q, want it rejected", agency, code, errOut)
		}
	}
}

func TestHubURLPasswordRedacted(t *testing.T) {
	file := writeSample(t, "chargesheet-2023-ipc")
	for _, hub := range []string{
		"http://u:p4ss@127.0.0.1:9",
		"http://u:p4ss@127.0.0.1:bad",
		"http://u:p4ss@127.0.0.1:9/path",
		"http://127.0.0.1:9/?token=p4ss",
		"http://127.0.0.1:9?a=1&token=p4ss#x",
		"http://127.0.0.1:9/#token=p4ss",
	} {
		for _, args := range [][]string{
			{"send", "--agency", "police", "--hub", hub, file},
			{"replay", "--hub", hub, deadID1},
			{"routes", "history", "--hub", hub},
		} {
			code, _, errOut := runCLI(t, args...)
			if code == exitOK || !strings.Contains(errOut, "--hub: invalid URL") {
				t.Errorf("%s --hub %s: exit %d, stderr %q, want the URL rejected", args[0], hub, code, errOut)
			}
			if strings.Contains(errOut, "p4ss") {
				t.Errorf("%s --hub %s: stderr %q shows the password", args[0], hub, errOut)
			}
		}
	}
}
