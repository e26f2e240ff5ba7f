package hub

import (
	"context"
	"log/slog"
)

// errorTextHandler is a slog.Handler that logs each error attribute as
// its message text. slog's TextHandler formats an error value with %+v,
// and errors made by github.com/pkg/errors, which watermill returns, then
// print their stack trace with the build's source paths.
type errorTextHandler struct {
	next slog.Handler
}

// withErrorText returns log with every error attribute logged as its
// message text.
func withErrorText(log *slog.Logger) *slog.Logger {
	if _, ok := log.Handler().(errorTextHandler); ok {
		return log
	}
	return slog.New(errorTextHandler{next: log.Handler()})
}

func (h errorTextHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.next.Enabled(ctx, level)
}

func (h errorTextHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(errorText(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h errorTextHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	texts := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		texts[i] = errorText(a)
	}
	return errorTextHandler{next: h.next.WithAttrs(texts)}
}

func (h errorTextHandler) WithGroup(name string) slog.Handler {
	return errorTextHandler{next: h.next.WithGroup(name)}
}

// errorText returns a with an error value replaced by the error's
// message, in groups too.
func errorText(a slog.Attr) slog.Attr {
	switch a.Value.Kind() {
	case slog.KindAny:
		if err, ok := a.Value.Any().(error); ok && err != nil {
			return slog.String(a.Key, err.Error())
		}
	case slog.KindGroup:
		group := a.Value.Group()
		texts := make([]slog.Attr, len(group))
		for i, member := range group {
			texts[i] = errorText(member)
		}
		return slog.Attr{Key: a.Key, Value: slog.GroupValue(texts...)}
	case slog.KindLogValuer:
		return errorText(slog.Attr{Key: a.Key, Value: a.Value.Resolve()})
	}
	return a
}
