package ingest

import "context"

// posterKey is the context key of the token holder who posts a body.
type posterKey struct{}

// WithPoster returns ctx carrying name, the token holder who posts the
// body that Accept reads with it. Accept journals each message with the
// name. When another holder used a message id before, the conflict error
// leaves out that holder's message.
func WithPoster(ctx context.Context, name string) context.Context {
	return context.WithValue(ctx, posterKey{}, name)
}

// posterOf returns the token holder that ctx carries, or "".
func posterOf(ctx context.Context) string {
	name, _ := ctx.Value(posterKey{}).(string)
	return name
}
