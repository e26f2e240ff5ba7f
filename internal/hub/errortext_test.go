package hub

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

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

func TestErrorTextDropsStackTrace(t *testing.T) {
	var logs bytes.Buffer
	log := withErrorText(slog.New(slog.NewTextHandler(&logs, nil)))
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
	if !errors.Is(wrapped, tracedError{}) {
		t.Fatal("wrapped error lost its cause")
	}
}

func TestErrorTextWrapsOnce(t *testing.T) {
	log := withErrorText(slog.New(slog.NewTextHandler(&bytes.Buffer{}, nil)))
	if again := withErrorText(log); again != log {
		t.Error("withErrorText wrapped a logger that logs error text already")
	}
}
