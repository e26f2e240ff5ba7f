package api_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/problem"
)

// postTyped posts body to the inbound endpoint of agency with the
// Content-Type contentType.
func (f *fixture) postTyped(t *testing.T, agency, contentType string, body []byte) response {
	t.Helper()
	resp, err := http.Post(f.url+"/api/v1/inbound/"+agency, contentType, bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST inbound/%s: %v", agency, err)
	}
	return readResponse(t, resp)
}

// asciiJSON returns the JSON document body with every character beyond
// ASCII written as a \u escape, so that its bytes are ASCII.
func asciiJSON(body []byte) []byte {
	var b strings.Builder
	for _, r := range string(body) {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xFFFF:
			hi, lo := utf16.EncodeRune(r)
			fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return []byte(b.String())
}

func TestInboundCharsetNotUTF8Rejected(t *testing.T) {
	f := newFixture(t, 0)
	booking, err := os.ReadFile("../../adapters/prisons/testdata/booking_report.xml")
	if err != nil {
		t.Fatal(err)
	}
	fir := firBody(t, "CHARSET-FIR", nil)
	if bytes.Equal(fir, asciiJSON(fir)) {
		t.Fatal("the FIR sample has only ASCII bytes, but the us-ascii case needs a body with other bytes")
	}
	cases := []struct {
		agency, contentType, charset string
		body                         []byte
	}{
		{"prisons", "application/xml; charset=utf-16", "utf-16", booking},
		{"prisons", `text/xml; charset="UTF-16LE"`, "UTF-16LE", booking},
		{"police", "application/json; charset=ISO-8859-1", "ISO-8859-1", fir},
		{"police", "application/json;charset=windows-1252", "windows-1252", fir},
		{"police", "application/json; charset=utf8", "utf8", fir},
		{"police", "application/json; charset=us-ascii", "us-ascii", fir},
	}
	for _, c := range cases {
		r := f.postTyped(t, c.agency, c.contentType, c.body)
		p := wantProblem(t, r, problem.Charset)
		for _, want := range []string{"Content-Type", "charset " + c.charset, "charset=utf-8", "nothing was stored"} {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("%s: detail %q, want it to contain %q", c.contentType, p.Detail, want)
			}
		}
	}
	f.wantNothingJournaled(t)
}

func TestInboundCharsetUTF8Accepted(t *testing.T) {
	f := newFixture(t, 0)
	booking, err := os.ReadFile("../../adapters/prisons/testdata/booking_report.xml")
	if err != nil {
		t.Fatal(err)
	}
	if r := f.postTyped(t, "prisons", "application/xml; charset=UTF-8", booking); r.status != http.StatusAccepted {
		t.Errorf("charset=UTF-8 XML: status %d, want 202; body %s", r.status, r.body)
	}
	cases := []struct{ sender, contentType string }{
		{"CHARSET-FIR-1", "application/json; charset=utf-8"},
		{"CHARSET-FIR-2", `application/json; charset="Utf-8"`},
		{"CHARSET-FIR-3", "application/json; charset=US-ASCII"},
	}
	for _, c := range cases {
		body := asciiJSON(firBody(t, c.sender, nil))
		if r := f.postTyped(t, "police", c.contentType, body); r.status != http.StatusAccepted {
			t.Errorf("%s: status %d, want 202; body %s", c.contentType, r.status, r.body)
		}
		found, err := f.store.Find(context.Background(),
			journal.Query{Source: "police", SenderMessageID: c.sender})
		if err != nil || len(found) != 1 {
			t.Fatalf("%s: journal holds %d messages (%v), want 1", c.contentType, len(found), err)
		}
		var journaled string
		err = f.db.QueryRow("SELECT content_type FROM messages WHERE id = ?", found[0].MessageID).
			Scan(&journaled)
		if err != nil {
			t.Fatalf("reading the journaled content type: %v", err)
		}
		if journaled != c.contentType {
			t.Errorf("journaled content type = %q, want %q", journaled, c.contentType)
		}
	}
}

// TestInboundCharsetDetailMasksAadhaar posts Content-Types whose charset
// holds an Aadhaar number after a character that quoting escapes, such
// as a no-break space written \u00a0, whose hex digits would join the
// number's and hide it from the masking of the response.
func TestInboundCharsetDetailMasksAadhaar(t *testing.T) {
	f := newFixture(t, 0)
	fir := firBody(t, "CHARSET-AADHAAR", nil)
	for _, contentType := range []string{
		"application/json; charset=\u00a0491873625403",
		"application/json; charset=\"\u20604918 7362 5403\"",
	} {
		r := f.postTyped(t, "police", contentType, fir)
		p := wantProblem(t, r, problem.Charset)
		if strings.Contains(string(r.body), "7362") {
			t.Errorf("%+q: response shows the number: %s", contentType, r.body)
		}
		if !strings.Contains(p.Detail, "XXXXXXXX5403") {
			t.Errorf("%+q: detail %q lacks the masked number", contentType, p.Detail)
		}
	}
	f.wantNothingJournaled(t)
}
