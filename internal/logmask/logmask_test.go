package logmask

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// number passes the Aadhaar check digit, and masked is its masked form.
const (
	number = "4918 7362 5403"
	masked = "XXXXXXXX5403"
)

// newLogs returns a logger that masks through a TextHandler into the
// returned buffer, without times, so that lines compare exactly.
func newLogs() (*slog.Logger, *bytes.Buffer) {
	var logs bytes.Buffer
	return slog.New(New(slog.NewTextHandler(&logs, &slog.HandlerOptions{ReplaceAttr: dropTime}))), &logs
}

func dropTime(groups []string, a slog.Attr) slog.Attr {
	if len(groups) == 0 && a.Key == slog.TimeKey {
		return slog.Attr{}
	}
	return a
}

// idValuer logs as its id.
type idValuer struct{ id string }

func (v idValuer) LogValue() slog.Value { return slog.StringValue(v.id) }

func TestHandlerMasksEveryPlace(t *testing.T) {
	log, logs := newLogs()
	log.Info("message " + number)
	log.Info("string", "path", "/api/v1/messages/"+number)
	log.With("agency", number).Info("with")
	log.WithGroup("request").Info("group", "path", "/x/"+number)
	log.Info("nested", slog.Group("request", slog.Group("header", "content_type",
		"application/json; charset="+number)))
	log.Info("error", "error", fmt.Errorf("routes: %w", errors.New(`unknown field "`+number+`"`)))
	log.With(slog.Group("g", "error", errors.New(number))).Info("with group error")
	log.Info("slice", "added", []string{"a", number})
	log.Info("valuer", "id", idValuer{"case/" + number})
	log.Info("digits", "path", "/x/491873625403")
	log.Info("key", slog.Group("query", number, "x"))
	log.WithGroup(number).Info("group name", "k", "v")

	for _, want := range []string{
		"msg=\"message " + masked + "\"\n",
		"msg=string path=/api/v1/messages/" + masked + "\n",
		"msg=with agency=" + masked + "\n",
		"msg=group request.path=/x/" + masked + "\n",
		`msg=nested request.header.content_type="application/json; charset=` + masked + "\"\n",
		`msg=error error="routes: unknown field \"` + masked + `\""` + "\n",
		"msg=\"with group error\" g.error=" + masked + "\n",
		`msg=slice added="[a ` + masked + `]"` + "\n",
		"msg=valuer id=case/" + masked + "\n",
		"msg=digits path=/x/" + masked + "\n",
		"msg=key query." + masked + "=x\n",
		`msg="group name" ` + masked + ".k=v\n",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %q", want)
		}
	}
	if strings.Contains(logs.String(), "7362") {
		t.Errorf("log contains a number in clear:\n%s", logs.String())
	}
}

func TestHandlerKeepsUUIDs(t *testing.T) {
	// The last group of deliveryID and the middle groups of messageID
	// are twelve digits that pass the Aadhaar check digit.
	const (
		deliveryID = "01a24aae-aef9-7ac6-b407-357529373769"
		messageID  = "01a24aaa-4935-7752-8937-56e5cf084723"
	)
	log, logs := newLogs()
	log.Warn("dead-lettered: replay it once the cause is fixed", "delivery_id", deliveryID,
		"message_id", messageID, "replay", "sangam replay "+deliveryID)
	log.Info("audit", "path", "/api/v1/deliveries/"+deliveryID+"/replay", "comment", number)

	for _, want := range []string{
		"delivery_id=" + deliveryID + " ",
		"message_id=" + messageID + " ",
		`replay="sangam replay ` + deliveryID + `"`,
		"path=/api/v1/deliveries/" + deliveryID + "/replay ",
		"comment=" + masked + "\n",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %q:\n%s", want, logs.String())
		}
	}
}

func TestHandlerMasksOtherScripts(t *testing.T) {
	log, logs := newLogs()
	// The number in Devanagari digits.
	log.Info("devanagari", "id", "४९१८ ७३६२ ५४०३")
	if want := "id=" + masked + "\n"; !strings.Contains(logs.String(), want) {
		t.Errorf("log does not contain %q:\n%s", want, logs.String())
	}
}

func TestHandlerMasksEscapedNumbers(t *testing.T) {
	log, logs := newLogs()
	// %q writes the zero-width spaces and the word joiner as escapes,
	// whose hex digits touch the digits of the number.
	value := "4918\u200b7362\u2060 5403"
	log.Info(fmt.Sprintf("message %q", value))
	log.Info("quoted", "error", fmt.Errorf("after: invalid value %q", value))
	log.Info("tag", "detail", fmt.Sprintf("%q", "4\U000e00209\u00ad18 7362 5403"))
	log.Info("twice", "detail", fmt.Sprintf("%q", fmt.Sprintf("%q", value)))
	// A doubly encoded path keeps percent-escapes after one decoding.
	log.Info("path", "path", "/api/v1/messages/%34%39%31%38%37%33%36%32%35%34%30%33")
	log.Info("query", slog.Group("query", "case_key", "%2534%2539%2531%2538 7362%e2%80%8b5403"))

	for _, want := range []string{
		`msg="message \"` + masked + `\""`,
		`msg=quoted error="after: invalid value \"` + masked + `\""`,
		`msg=tag detail="\"` + masked + `\""`,
		`msg=path path=/api/v1/messages/` + masked + "\n",
		`msg=query query.case_key=` + masked + "\n",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %q:\n%s", want, logs.String())
		}
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "7362") || strings.Contains(line, "%37%33%36%32") {
			t.Errorf("line shows the number in clear: %s", line)
		}
	}
}

// limits is a request's filter with numbers, logged as a value of kind
// Any.
type limits struct {
	Limit int64
	Ratio float64
}

func TestHandlerMasksNumbers(t *testing.T) {
	log, logs := newLogs()
	log.Info("int", "limit", 491873625403)
	log.Info("int64", "limit", int64(-491873625403))
	log.Info("uint64", "limit", uint64(491873625403))
	log.Info("float64", "limit", 491873625403.0)
	log.Info("fraction", "limit", 491873625403.5)
	log.Info("json number", "limit", json.Number("491873625403"))
	log.Info("group", slog.Group("filter", "limit", 491873625403, "all", true))
	log.Info("struct", "filter", limits{Limit: 7, Ratio: 491873625403})
	log.Info("map", "filter", map[string]any{"limit": 491873625403.0})

	for _, want := range []string{
		"msg=int limit=" + masked + "\n",
		"msg=int64 limit=-" + masked + "\n",
		"msg=uint64 limit=" + masked + "\n",
		"msg=float64 limit=" + masked + "\n",
		"msg=fraction limit=" + masked + ".5\n",
		`msg="json number" limit=` + masked + "\n",
		"msg=group filter.limit=" + masked + " filter.all=true\n",
		`msg=struct filter="{Limit:7 Ratio:` + masked + `}"` + "\n",
		`msg=map filter=map[limit:` + masked + "]\n",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %q", want)
		}
	}
	for _, clear := range []string{"7362", "4.91873625403e+11"} {
		if strings.Contains(logs.String(), clear) {
			t.Errorf("log shows %s of the number:\n%s", clear, logs.String())
		}
	}
}

func TestHandlerMasksNumbersInJSON(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(New(slog.NewJSONHandler(&logs, nil)))
	log.Info("numbers", "limit", 491873625403, "count", 3,
		"filter", map[string]any{"limit": 491873625403.0})
	var line map[string]any
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, logs.String())
	}
	if line["limit"] != masked {
		t.Errorf("limit = %v, want %q", line["limit"], masked)
	}
	if line["count"] != 3.0 {
		t.Errorf("count = %v, want the number 3", line["count"])
	}
	if strings.Contains(logs.String(), "7362") {
		t.Errorf("log shows the number in clear: %s", logs.String())
	}
}

func TestHandlerKeepsOtherOutput(t *testing.T) {
	var plain bytes.Buffer
	options := &slog.HandlerOptions{ReplaceAttr: dropTime, Level: slog.LevelDebug}
	logs := []*slog.Logger{
		slog.New(slog.NewTextHandler(&plain, options)),
		nil,
	}
	var wrapped bytes.Buffer
	logs[1] = slog.New(New(slog.NewTextHandler(&wrapped, options)))
	for _, log := range logs {
		// The count's check digit fails, so it is not an Aadhaar number.
		log.Debug("debug line", "count", 491873625404, "ratio", 0.25, "ok", true)
		log.Warn("quoted", "text", `a "b" c`, "digits", "12345678901", "empty", "")
		log.With("k", 1).WithGroup("g").Error("grouped", "list", []string{"x y", "z"},
			"error", errors.New("plain failure"))
		log.Info("check digit fails", "id", "4918 7362 5404")
	}
	if plain.String() != wrapped.String() {
		t.Errorf("masking changed a line without numbers:\nplain:\n%s\nwrapped:\n%s",
			plain.String(), wrapped.String())
	}
}

func TestHandlerKeepsJSONTypes(t *testing.T) {
	var logs bytes.Buffer
	log := slog.New(New(slog.NewJSONHandler(&logs, nil)))
	log.Info("list", "added", []string{"a", "b"}, "masked", []string{number})
	var line struct {
		Added  []string `json:"added"`
		Masked string   `json:"masked"`
	}
	if err := json.Unmarshal(logs.Bytes(), &line); err != nil {
		t.Fatalf("%v: %s", err, logs.String())
	}
	if len(line.Added) != 2 {
		t.Errorf("added = %v, want the list [a b]", line.Added)
	}
	if line.Masked != "["+masked+"]" {
		t.Errorf("masked = %q, want %q", line.Masked, "["+masked+"]")
	}
}

// tracedError prints a stack trace for %+v, as errors of
// github.com/pkg/errors do.
type tracedError struct{}

func (tracedError) Error() string { return "router close timeout" }

func (e tracedError) Format(s fmt.State, verb rune) {
	if verb == 'v' && s.Flag('+') {
		fmt.Fprint(s, "router close timeout\nrouter.go:588")
		return
	}
	fmt.Fprint(s, e.Error())
}

func TestHandlerDropsStackTrace(t *testing.T) {
	log, logs := newLogs()
	wrapped := fmt.Errorf("closing: %w", tracedError{})

	log.Warn("plain", "error", tracedError{})
	log.With("error", tracedError{}).Warn("with")
	log.Warn("group", slog.Group("stop", "error", tracedError{}))
	log.Warn("wrapped", "error", wrapped)

	for _, want := range []string{
		`msg=plain error="router close timeout"`,
		`msg=with error="router close timeout"`,
		`msg=group stop.error="router close timeout"`,
		`msg=wrapped error="closing: router close timeout"`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log does not contain %q:\n%s", want, logs.String())
		}
	}
	if strings.Contains(logs.String(), "router.go") {
		t.Errorf("log contains a stack trace:\n%s", logs.String())
	}
}

func TestLoggerWrapsOnce(t *testing.T) {
	log := Logger(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	if again := Logger(log); again != log {
		t.Error("Logger wrapped a logger that masks already")
	}
	if h := New(log.Handler()); h != log.Handler() {
		t.Error("New wrapped a Handler")
	}
}

func BenchmarkHandlerShortValues(b *testing.B) {
	log := slog.New(New(slog.NewTextHandler(io.Discard, nil)))
	for b.Loop() {
		log.Info("journal read", "principal", "ops", "endpoint", "GET /api/v1/messages/{id}",
			"path", "/api/v1/messages/police/FIR-2026-0042", "remote", "127.0.0.1:52114", "status", 200)
	}
}

func BenchmarkTextHandlerShortValues(b *testing.B) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for b.Loop() {
		log.Info("journal read", "principal", "ops", "endpoint", "GET /api/v1/messages/{id}",
			"path", "/api/v1/messages/police/FIR-2026-0042", "remote", "127.0.0.1:52114", "status", 200)
	}
}

// codeError's Error reads its fields, so a nil *codeError panics in it.
type codeError struct{ code string }

func (e *codeError) Error() string { return "code " + e.code }

// codeText's MarshalText reads its fields, as codeError's Error does.
type codeText struct{ code string }

func (c *codeText) MarshalText() ([]byte, error) { return []byte(c.code), nil }

// TestHandlerLogsNilPointers logs nil pointers whose Error or
// MarshalText panics. slog's handlers write such a value as <nil>, and
// the masking must not turn the line into a panic.
func TestHandlerLogsNilPointers(t *testing.T) {
	log, logs := newLogs()
	log.Info("nil error", "error", (*codeError)(nil))
	log.Info("nil marshaler", "code", (*codeText)(nil))

	for _, want := range []string{
		"msg=\"nil error\" error=<nil>\n",
		"msg=\"nil marshaler\" code=<nil>\n",
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("logs lack %q:\n%s", want, logs)
		}
	}
}
