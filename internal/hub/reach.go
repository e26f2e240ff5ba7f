package hub

import (
	"context"
	"log/slog"
	"strings"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/routes"
)

// unitWarning is a warning about police units of the jurisdiction table
// that the routes deliver verification requests or escalations to no
// destination of their own.
type unitWarning struct {
	msg string
	// attrs name the units, as log attributes.
	attrs []slog.Attr
	// redirected is set when the routes deliver the messages to other
	// police units, which hold them and may report on them.
	redirected bool
	// stations and instead are, for a warning about verification
	// requests rather than escalations, the stations and the
	// comma-separated units that the routes send their requests to.
	stations []string
	instead  string
}

// text returns w as one line for the admin API: the attributes as
// key=value pairs, then the message, whose "these stations" and
// "delivered_to" refer to them.
func (w unitWarning) text() string {
	pairs := make([]string, len(w.attrs))
	for i, a := range w.attrs {
		pairs[i] = a.Key + "=" + a.Value.String()
	}
	return strings.Join(pairs, " ") + ": " + w.msg
}

// unreachedUnitWarnings returns the warnings about the units of j that t
// misses, as verification.UnreachedUnits finds them. Stations whose
// requests go to the same units instead share one warning, and each
// district office gets one. routed is false, with no warnings, when t
// sends the passport office's requests to no destination at all.
func unreachedUnitWarnings(j *jurisdiction.Table, t *routes.Table) (warnings []unitWarning, routed bool) {
	units, routed := verification.UnreachedUnits(j, t)
	if !routed {
		return nil, false
	}
	var groups []string
	stations := map[string][]string{}
	for _, u := range units {
		instead := strings.Join(u.Instead, ",")
		if u.Escalations {
			warnings = append(warnings, newUnitWarning("escalations of requests for these stations "+
				"reach no destination whose police_unit is their district office",
				fixDistrictOffice, instead,
				slog.String("district_office", u.Unit),
				slog.String("stations", strings.Join(u.Stations, ","))))
			continue
		}
		if _, seen := stations[instead]; !seen {
			groups = append(groups, instead)
		}
		stations[instead] = append(stations[instead], u.Unit)
	}
	var requests []unitWarning
	for _, instead := range groups {
		w := newUnitWarning("verification requests for these stations of "+
			"the jurisdiction table reach no destination whose police_unit is the station",
			fixStations, instead,
			slog.String("stations", strings.Join(stations[instead], ",")))
		w.stations, w.instead = stations[instead], instead
		requests = append(requests, w)
	}
	return append(requests, warnings...), true
}

// Fixes that end a unitWarning's message, for requests meant for
// stations and for escalations meant for a district office.
const (
	fixStations       = "; to deliver them to the stations, add such destinations and routes to them"
	fixDistrictOffice = "; to deliver them to the district office, add such a destination and a route to it"
)

// newUnitWarning returns the warning msg about messages that the routes
// send to instead, a comma-separated list of police units, in place of
// the unit they are meant for, ended by fix.
func newUnitWarning(msg, fix, instead string, attrs ...slog.Attr) unitWarning {
	if instead == "" {
		return unitWarning{msg: msg + " nor any other with a police_unit, so no police unit holds them" + fix,
			attrs: attrs}
	}
	return unitWarning{msg: msg + "; the routes send them to the units in delivered_to" + fix,
		attrs: append(attrs, slog.String("delivered_to", instead)), redirected: true}
}

// warnUnreachedUnits logs the warnings of unreachedUnitWarnings about
// the routes of version, compiled as t, with the hub's jurisdiction
// table. Routes that take nothing from the passport office get no line,
// and routes that send its requests nowhere get one at info level, since
// a hub without passport verification needs no police units. The
// stations whose requests the routes deliver to other police units, such
// as their district offices, share one line at info level, and the
// escalations so delivered get their lines at info level too. Only
// messages that reach no police unit are logged at warn level.
func (h *Hub) warnUnreachedUnits(version int, t *routes.Table) {
	if !t.AcceptsAgency(passport.Agency) {
		return
	}
	warnings, routed := unreachedUnitWarnings(h.cfg.Verification.Jurisdiction, t)
	if !routed {
		h.cfg.Log.Info("the routes send passport verification requests to no destination, so "+
			"the hub journals them and delivers them to no police station", "routes_version", version)
		return
	}
	var redirected []unitWarning
	for _, w := range warnings {
		if w.redirected && w.stations != nil {
			redirected = append(redirected, w)
			continue
		}
		args := []any{slog.Int("routes_version", version)}
		for _, a := range w.attrs {
			args = append(args, a)
		}
		level := slog.LevelWarn
		if w.redirected {
			level = slog.LevelInfo
		}
		h.cfg.Log.Log(context.Background(), level, w.msg, args...)
	}
	h.logRedirectedStations(version, redirected)
}

// logRedirectedStations logs, in one line at info level, the stations of
// warnings whose verification requests the routes of version deliver to
// other police units, with the stations that each unit receives under
// delivered_to, such as delivered_to.KOCHI-CITY=EKM0401,EKM0402.
func (h *Hub) logRedirectedStations(version int, warnings []unitWarning) {
	if len(warnings) == 0 {
		return
	}
	var stations []string
	var delivered []any
	for _, w := range warnings {
		stations = append(stations, w.stations...)
		delivered = append(delivered, slog.String(w.instead, strings.Join(w.stations, ",")))
	}
	h.cfg.Log.Info("verification requests for these stations of the jurisdiction table reach no "+
		"destination whose police_unit is the station; the routes send them to the units that "+
		"delivered_to lists, each with the stations it receives"+fixStations,
		"routes_version", version, "stations", strings.Join(stations, ","),
		slog.Group("delivered_to", delivered...))
}

// routesWarnings returns, one line each, the warnings that
// warnUnreachedUnits would log for t, for the response to a routes
// change through the admin API.
func (h *Hub) routesWarnings(t *routes.Table) []string {
	if !t.AcceptsAgency(passport.Agency) {
		return nil
	}
	warnings, _ := unreachedUnitWarnings(h.cfg.Verification.Jurisdiction, t)
	lines := make([]string, len(warnings))
	for i, w := range warnings {
		lines[i] = w.text()
	}
	return lines
}
