package hub

import "github.com/sangam-hub/sangam/routes"

// logRetriesSwitch logs each destination and route of after whose
// automatic retries are off while they were on in before, and each one
// that before had off and after has on. before is nil at start-up, when
// every destination and route with retries off is logged.
func (h *Hub) logRetriesSwitch(version int, before, after *routes.Table) {
	offBefore := retriesOff(before)
	offAfter := retriesOff(after)
	for _, d := range after.Config().Destinations {
		h.logRetriesChange(version, "destination", d.Name, offBefore, offAfter)
	}
	for _, r := range after.Config().Routes {
		h.logRetriesChange(version, "route", r.Name, offBefore, offAfter)
	}
}

func (h *Hub) logRetriesChange(version int, kind, name string, offBefore, offAfter map[string]bool) {
	key := kind + " " + name
	switch {
	case offAfter[key] && !offBefore[key]:
		h.cfg.Log.Warn("automatic retries are off: a failed delivery is dead-lettered at once "+
			"until a routes version turns them on", kind, name, "routes_version", version)
	case !offAfter[key] && offBefore[key]:
		h.cfg.Log.Info("automatic retries are on again", kind, name, "routes_version", version)
	}
}

// retriesOff returns the destinations and routes of t whose retries are
// off, each keyed by its kind and name; nil for a nil t.
func retriesOff(t *routes.Table) map[string]bool {
	if t == nil {
		return nil
	}
	off := map[string]bool{}
	destinations, rts := t.RetriesOffFor()
	for _, name := range destinations {
		off["destination "+name] = true
	}
	for _, name := range rts {
		off["route "+name] = true
	}
	return off
}
