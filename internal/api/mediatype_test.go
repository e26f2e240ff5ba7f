package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/problem"
)

func TestInboundMediaTypeNotAcceptedRejected(t *testing.T) {
	f := newFixture(t, 0)
	fir := firBody(t, "MEDIA-FIR", nil)
	booking := readTestdata(t, "../../adapters/prisons/testdata/booking_report.xml")
	callback := readTestdata(t, "../../adapters/courts/testdata/kochi_callback.xml")
	request := readTestdata(t, "../../adapters/passport/testdata/request_fresh.json")
	const (
		json    = "application/json or a media type with the +json suffix"
		xml     = "application/xml, text/xml or a media type with the +xml suffix"
		jsonXML = "application/json, application/xml, text/xml or a media type with the +json or +xml suffix"
	)
	cases := []struct {
		agency, contentType, accepted string
		body                          []byte
	}{
		{"police", "text/plain", json, fir},
		{"police", "application/xml", json, fir},
		{"police", "text/json", json, fir},
		{"police", "application/json;;", json, fir},
		{"passport", "text/plain; charset=utf-8", json, request},
		{"passport", "application/xml", json, request},
		{"courts", "application/json", xml, callback},
		{"courts", "text/plain", xml, callback},
		{"prisons", "text/plain", jsonXML, booking},
		{"prisons", "text/json", jsonXML, booking},
	}
	for _, c := range cases {
		r := f.postTyped(t, c.agency, c.contentType, c.body)
		p := wantProblem(t, r, problem.MediaType)
		for _, want := range []string{c.contentType, "send " + c.accepted, "nothing was stored"} {
			if !strings.Contains(p.Detail, want) {
				t.Errorf("%s as %s: detail %q, want it to contain %q",
					c.agency, c.contentType, p.Detail, want)
			}
		}
	}
	f.wantNothingJournaled(t)
}

func TestInboundSuffixMediaTypeAccepted(t *testing.T) {
	f := newFixture(t, 0)
	fir := firBody(t, "MEDIA-FIR-SUFFIX", nil)
	booking := readTestdata(t, "../../adapters/prisons/testdata/booking_report.xml")
	cases := []struct {
		agency, contentType string
		body                []byte
	}{
		{"police", "application/vnd.cctns+json; charset=utf-8", fir},
		{"prisons", "application/vnd.niem+xml", booking},
	}
	for _, c := range cases {
		if r := f.postTyped(t, c.agency, c.contentType, c.body); r.status != http.StatusAccepted {
			t.Errorf("%s as %s: status %d, want 202; body %s", c.agency, c.contentType, r.status, r.body)
		}
	}
}
