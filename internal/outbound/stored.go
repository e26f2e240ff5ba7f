package outbound

import (
	"errors"
	"log/slog"
	"sync"

	"github.com/sangam-hub/sangam/routes"
)

// BuildStored returns the endpoints of every destination of t, a routes
// version that was saved before, as the hub puts it in force at start.
// A destination whose files are missing or invalid now does not stop the
// others: BuildStored logs an error for each such file, naming the
// destination, the field, the path and the problem, and the
// destination's endpoint reads its files again at each attempt. Until
// they pass, Authorize returns the problem, so each attempt fails
// without sending anything, and the worker keeps the delivery pending.
// The first Authorize whose files pass logs an info line naming the
// destination.
func BuildStored(t *routes.Table, reserved *Reserved, log *slog.Logger) *Set {
	s := &Set{endpoints: map[string]*Endpoint{}}
	for _, d := range t.Config().Destinations {
		e, err := newEndpoint(d, reserved, log)
		if err != nil {
			logFileErrors(log, d.Name, err)
			e = &Endpoint{deferred: &deferredEndpoint{destination: d, reserved: reserved, log: log}}
		}
		s.endpoints[d.Name] = e
	}
	return s
}

// logFileErrors logs each error of newEndpoint about the files of
// destination.
func logFileErrors(log *slog.Logger, destination string, err error) {
	for _, e := range splitErrors(err) {
		var fe *fileError
		field, path := "", ""
		if errors.As(e, &fe) {
			field, path = fe.field, fe.path
		}
		log.Error("destination's file cannot be used: its deliveries wait, without using up "+
			"max_attempts, until the file is fixed", "destination", destination, "field", field,
			"file", path, "error", e)
	}
}

// deferredEndpoint builds the endpoint of a destination whose files could
// not be used when its set was built. It is safe for concurrent use.
type deferredEndpoint struct {
	destination routes.Destination
	reserved    *Reserved
	log         *slog.Logger

	mu    sync.Mutex // guards built
	built *Endpoint  // nil until the files pass
}

// load returns the endpoint, built at the first call whose files pass,
// or the problem with the files.
func (p *deferredEndpoint) load() (*Endpoint, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.built != nil {
		return p.built, nil
	}
	e, err := newEndpoint(p.destination, p.reserved, p.log)
	if err != nil {
		return nil, err
	}
	p.built = e
	logUsable(p.log, p.destination.Name)
	return e, nil
}

// loaded returns the endpoint once load has built it, or nil.
func (p *deferredEndpoint) loaded() *Endpoint {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.built
}
