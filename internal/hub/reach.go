package hub

import (
	"strings"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/routes"
)

// warnUnreachedUnits logs the police stations and district offices of
// the jurisdiction table that the routes of version, compiled as t,
// deliver verification requests or escalations to no destination of
// their own: none whose police_unit is the unit. Stations whose requests
// go to the same units instead share one line, and each district office
// gets one. Routes that take nothing from the passport office get no
// line, and routes that send its requests nowhere get one at info level,
// since a hub without passport verification needs no police units.
func (h *Hub) warnUnreachedUnits(version int, t *routes.Table) {
	if !t.AcceptsAgency(passport.Agency) {
		return
	}
	units, routed := verification.UnreachedUnits(h.cfg.Verification.Jurisdiction, t)
	if !routed {
		h.cfg.Log.Info("the routes send passport verification requests to no destination, so "+
			"the hub journals them and delivers them to no police station", "routes_version", version)
		return
	}
	var groups []string
	stations := map[string][]string{}
	for _, u := range units {
		instead := strings.Join(u.Instead, ",")
		if u.Escalations {
			h.logUnreached(version, "escalations of requests for these stations reach no "+
				"destination whose police_unit is their district office", instead,
				"district_office", u.Unit, "stations", strings.Join(u.Stations, ","))
			continue
		}
		if _, seen := stations[instead]; !seen {
			groups = append(groups, instead)
		}
		stations[instead] = append(stations[instead], u.Unit)
	}
	for _, instead := range groups {
		h.logUnreached(version, "verification requests for these stations of the jurisdiction "+
			"table reach no destination whose police_unit is the station", instead,
			"stations", strings.Join(stations[instead], ","))
	}
}

// logUnreached logs the warning msg about messages that the routes send
// to instead, a comma-separated list of police units, in place of the
// unit they are meant for.
func (h *Hub) logUnreached(version int, msg, instead string, attrs ...any) {
	const fix = "; to deliver them there, add such a destination and a route to it"
	attrs = append([]any{"routes_version", version}, attrs...)
	if instead == "" {
		h.cfg.Log.Warn(msg+" nor any other with a police_unit, so no police unit holds them"+fix,
			attrs...)
		return
	}
	h.cfg.Log.Warn(msg+"; the routes send them to the units in delivered_to"+fix,
		append(attrs, "delivered_to", instead)...)
}
