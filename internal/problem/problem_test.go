package problem

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/schemas"
)

func TestNew(t *testing.T) {
	tests := []struct {
		kind      Kind
		wantType  string
		status    int
		retryable bool
	}{
		{Invalid, "urn:sangam:problem:invalid-message", http.StatusBadRequest, false},
		{Malformed, "urn:sangam:problem:malformed-message", http.StatusBadRequest, false},
		{UnknownAgency, "urn:sangam:problem:unknown-agency", http.StatusNotFound, false},
		{NotFound, "urn:sangam:problem:not-found", http.StatusNotFound, false},
		{TooLarge, "urn:sangam:problem:too-large", http.StatusRequestEntityTooLarge, false},
		{Unavailable, "urn:sangam:problem:unavailable", http.StatusServiceUnavailable, true},
		{Busy, "urn:sangam:problem:busy", http.StatusServiceUnavailable, true},
		{BadRequest, "urn:sangam:problem:bad-request", http.StatusBadRequest, false},
	}
	for _, tc := range tests {
		p := New(tc.kind, "detail of "+tc.kind.Code)
		if p.Type != tc.wantType {
			t.Errorf("New(%s).Type = %q, want %q", tc.kind.Code, p.Type, tc.wantType)
		}
		if p.Status != tc.status {
			t.Errorf("New(%s).Status = %d, want %d", tc.kind.Code, p.Status, tc.status)
		}
		if p.Retryable != tc.retryable {
			t.Errorf("New(%s).Retryable = %t, want %t", tc.kind.Code, p.Retryable, tc.retryable)
		}
		if p.Title == "" || p.Title != tc.kind.Title {
			t.Errorf("New(%s).Title = %q, want the kind's title %q", tc.kind.Code, p.Title, tc.kind.Title)
		}
		if p.Detail != "detail of "+tc.kind.Code {
			t.Errorf("New(%s).Detail = %q, want the detail given", tc.kind.Code, p.Detail)
		}
	}
}

func TestWrite(t *testing.T) {
	p := New(Invalid, "the message breaks the rules listed in errors")
	p.Errors = []schemas.Violation{
		{Pointer: "/fir/year", Rule: "minimum", Message: "must be at least 1860"},
	}
	rec := httptest.NewRecorder()
	Write(rec, p)

	if rec.Code != http.StatusBadRequest {
		t.Errorf("status = %d, want 400", rec.Code)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Errorf("Content-Type = %q, want application/problem+json", ct)
	}
	var got Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("decoding body %s: %v", rec.Body, err)
	}
	if !reflect.DeepEqual(got, p) {
		t.Errorf("body = %+v, want %+v", got, p)
	}
}

func TestWriteKeepsHTMLCharacters(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, New(Invalid, `invalid condition "a < 3 && b > 4"`))

	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
	if want := `a < 3 && b > 4`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("body %s does not contain %s unescaped", rec.Body, want)
	}
}

func TestWriteMembers(t *testing.T) {
	rec := httptest.NewRecorder()
	Write(rec, New(Unavailable, ""))

	var members map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &members); err != nil {
		t.Fatalf("decoding body %s: %v", rec.Body, err)
	}
	if members["retryable"] != true {
		t.Errorf("retryable = %v, want true", members["retryable"])
	}
	if members["status"] != float64(http.StatusServiceUnavailable) {
		t.Errorf("status member = %v, want 503", members["status"])
	}
	for _, omitted := range []string{"detail", "instance", "errors"} {
		if _, ok := members[omitted]; ok {
			t.Errorf("member %q present when empty, want it omitted", omitted)
		}
	}
}

func TestWriteMasksEscapedAadhaar(t *testing.T) {
	// %q writes the zero-width spaces as \u200b, whose hex digits touch
	// the digits of the number 2818 3658 4927, and a doubly encoded URL
	// keeps its digits percent-escaped after one decoding.
	p := New(BadRequest, `after: invalid value "2818\u200b3658\u200b4927": want a message id`)
	p.Errors = []schemas.Violation{{
		Pointer: "/destination",
		Rule:    "request",
		Message: "no message with id %32%38%31%38%33%36%35%38%34%39%32%37",
	}}
	rec := httptest.NewRecorder()
	Write(rec, p)

	var got Problem
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
		t.Fatalf("decoding body %s: %v", rec.Body, err)
	}
	if want := `after: invalid value "XXXXXXXX4927": want a message id`; got.Detail != want {
		t.Errorf("detail = %q, want %q", got.Detail, want)
	}
	if len(got.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", got.Errors)
	}
	if want := "no message with id XXXXXXXX4927"; got.Errors[0].Message != want {
		t.Errorf("errors[0].message = %q, want %q", got.Errors[0].Message, want)
	}
}
