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

// routeUnits maps destinations to their police_unit in the routes
// version that routed a message, read from the routes store. A saved
// version never changes, so it keeps each version's units once read.
type routeUnits struct {
	versions routestore.Store
	mu       sync.Mutex
	// byVersion maps a version label, such as "v3", to the police unit
	// of each destination that has one.
	byVersion map[string]map[string]string
}

func newRouteUnits(versions routestore.Store) *routeUnits {
	return &routeUnits{versions: versions, byVersion: map[string]map[string]string{}}
}

// PoliceUnit implements verification.UnitLookup. A label that names no
// stored version, such as that of routes a test loaded without the
// store, gives "".
func (u *routeUnits) PoliceUnit(ctx context.Context, version, destination string) (string, error) {
	units, err := u.units(ctx, version)
	if err != nil {
		return "", err
	}
	return units[destination], nil
}

// units returns the police units of the destinations of version.
func (u *routeUnits) units(ctx context.Context, version string) (map[string]string, error) {
	u.mu.Lock()
	units, ok := u.byVersion[version]
	u.mu.Unlock()
	if ok {
		return units, nil
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

	units = map[string]string{}
	// NOTE: a stored version that no longer loads, which only a change of
	// the routes rules could cause, counts as one without police units,
	// so the status of its requests shows no deliveries.
	if table, err := routes.LoadStored(v.Document); err == nil {
		for _, d := range table.Config().Destinations {
			if d.PoliceUnit != "" {
				units[d.Name] = d.PoliceUnit
			}
		}
	}

	u.mu.Lock()
	u.byVersion[version] = units
	u.mu.Unlock()
	return units, nil
}
