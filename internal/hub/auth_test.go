package hub

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/auth"
	"github.com/sangam-hub/sangam/mocks/court"
)

func digestOf(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

func TestTokensGuardTheAPI(t *testing.T) {
	tokens, err := auth.Parse([]byte(fmt.Sprintf(`tokens:
  - {name: cctns, agency: police, sha256: %s}
  - {name: ecourts, agency: courts, sha256: %s}
  - {name: oncall, operator: true, sha256: %s}
`, digestOf("police-token"), digestOf("court-token"), digestOf("ops-token"))))
	if err != nil {
		t.Fatal(err)
	}
	var hubURL atomicString
	ag := startAgencies(t, hubURL.Load)
	h := startHub(t, Config{Routes: ag.routesFor(3), DataDir: t.TempDir(), Tokens: tokens})
	url := "http://" + h.Addr()
	hubURL.Store(url)

	doc := sample(t, "chargesheet-2023-ipc")
	for _, tc := range []struct {
		name, token string
		status      int
	}{
		{"no token", "", http.StatusUnauthorized},
		{"unknown token", "guess", http.StatusUnauthorized},
		{"court token posting as police", "court-token", http.StatusForbidden},
		{"operator token posting as police", "ops-token", http.StatusForbidden},
		{"police token", "police-token", http.StatusAccepted},
	} {
		req, _ := http.NewRequest(http.MethodPost, url+"/api/v1/inbound/police", bytes.NewReader(doc))
		req.Header.Set("Content-Type", "application/json")
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: status %d, want %d", tc.name, resp.StatusCode, tc.status)
		}
	}

	for _, tc := range []struct {
		token  string
		status int
	}{{"", http.StatusUnauthorized}, {"police-token", http.StatusForbidden}, {"ops-token", http.StatusOK}} {
		req, _ := http.NewRequest(http.MethodGet, url+"/api/v1/messages?source=police", nil)
		if tc.token != "" {
			req.Header.Set("Authorization", "Bearer "+tc.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("messages with %q: status %d, want %d", tc.token, resp.StatusCode, tc.status)
		}
	}

	// The test agencies' court sends no token, so its callback is refused
	// and the CNR never reaches the journal; the filing itself arrives.
	waitFor(t, "the filing to reach the court", func() bool { return len(ag.court.Received()) == 1 })
	time.Sleep(100 * time.Millisecond)
	if regs := ag.court.Registrations(); len(regs) != 1 || regs[0].Callback == court.CallbackDelivered {
		t.Errorf("an unauthenticated callback was accepted: %+v", regs)
	}
}

func TestTokenForUnknownAgencyStopsHub(t *testing.T) {
	tokens, err := auth.Parse([]byte(fmt.Sprintf(`tokens:
  - {name: cctns, agency: police, sha256: %s}
  - {name: stray, agency: nosuch, sha256: %s}
`, digestOf("police-token"), digestOf("stray-token"))))
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(context.Background(), Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0",
		Tokens: tokens, Log: quietLog()})
	if err == nil {
		t.Fatal("Open accepted a token for an agency with no adapter")
	}
	for _, want := range []string{`line 3: tokens[1] "stray": agency: unknown agency "nosuch"`,
		"known agencies are courts, passport, police, prisons"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}
