package hub

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/routes"
)

// routeDestinations maps destinations to their police_unit and agency
// in the routes version that routed a message, read from the routes
// store. A saved version never changes, so it keeps each version's
// destinations once read.
type routeDestinations struct {
	versions routestore.Store
	mu       sync.Mutex
	// byVersion maps a version label, such as "v3", to the destinations
	// of that version by name.
	byVersion map[string]map[string]routes.Destination
}

func newRouteDestinations(versions routestore.Store) *routeDestinations {
	return &routeDestinations{versions: versions, byVersion: map[string]map[string]routes.Destination{}}
}

// PoliceUnit implements verification.UnitLookup. A label that names no
// stored version, such as that of routes a test loaded without the
// store, gives "".
func (u *routeDestinations) PoliceUnit(ctx context.Context, version, destination string) (string, error) {
	dests, err := u.destinations(ctx, version)
	if err != nil {
		return "", err
	}
	return dests[destination].PoliceUnit, nil
}

// Agency implements courtfiling.AgencyLookup. A label that names no
// stored version gives "", as for PoliceUnit.
func (u *routeDestinations) Agency(ctx context.Context, version, destination string) (string, error) {
	dests, err := u.destinations(ctx, version)
	if err != nil {
		return "", err
	}
	return dests[destination].Agency, nil
}

// destinations returns the destinations of version by name.
func (u *routeDestinations) destinations(ctx context.Context, version string) (map[string]routes.Destination, error) {
	u.mu.Lock()
	dests, ok := u.byVersion[version]
	u.mu.Unlock()
	if ok {
		return dests, nil
	}

	digits, ok := strings.CutPrefix(version, "v")
	n, err := strconv.Atoi(digits)
	if !ok || err != nil || versionLabel(n) != version {
		return nil, nil
	}
	v, err := u.versions.Get(ctx, n)
	if errors.Is(err, routestore.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading routes version %d: %w", n, err)
	}

	dests = map[string]routes.Destination{}
	// NOTE: a stored version that no longer loads, which only a change of
	// the routes rules could cause, counts as one without destinations.
	// The status of its requests then shows no deliveries, and the court
	// callbacks of its final reports wait for no delivery.
	if table, err := routes.LoadStored(v.Document); err == nil {
		for _, d := range table.Config().Destinations {
			dests[d.Name] = d
		}
	}

	u.mu.Lock()
	u.byVersion[version] = dests
	u.mu.Unlock()
	return dests, nil
}
