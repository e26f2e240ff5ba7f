package verification

import (
	"slices"
	"time"

	"github.com/sangam-hub/sangam/adapters/passport"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/routes"
)

// UnreachedUnit is a police unit of a jurisdiction table that the routes
// deliver some of its verification requests, or escalations, to no
// destination of its own: none whose police_unit is the unit.
type UnreachedUnit struct {
	// Unit is the code of a police station or, when Escalations is set,
	// of a district police office.
	Unit string
	// Escalations is set for a district office that the escalations of
	// its stations' requests miss.
	Escalations bool
	// Stations are, for a district office, the stations whose requests'
	// escalations miss it, in the order of the table.
	Stations []string
	// Instead are the police units that the missed requests or
	// escalations reach, in the order of the routes. It is empty when
	// they reach no destination with a police_unit.
	Instead []string
}

// verificationKinds are the kinds of request that UnreachedUnits routes.
var verificationKinds = []canonical.VerificationKind{
	canonical.VerificationFresh, canonical.VerificationReissue,
}

// UnreachedUnits returns the units of j that t misses, in the order of
// j: first each station that some of its verification requests miss,
// then each district office that some escalations of its stations'
// requests miss. A message misses a unit when t routes it to no
// destination whose police_unit is the unit. UnreachedUnits routes, for
// each station and kind of request, a request from the passport office
// that the hub assigned to the station, and the hub's escalation of it.
// routed reports whether t sent any of them to a destination at all,
// which routes without passport verification do not.
//
// NOTE: these requests carry only the kind, the station and the district
// office, so a route condition that reads another field, such as the
// applicant's address, may decide otherwise for a real request.
func UnreachedUnits(j *jurisdiction.Table, t *routes.Table) (units []UnreachedUnit, routed bool) {
	var stations, offices []UnreachedUnit
	officeAt := map[string]int{}
	for _, s := range j.Stations() {
		office := s.DistrictOffice.Code
		var requests, escalations reach
		for _, kind := range verificationKinds {
			request := canonical.Message{
				Type: canonical.TypeVerificationRequest, Source: passport.Agency,
				VerificationRequest: &canonical.VerificationRequest{
					Kind: kind, PoliceStation: s.Code, DistrictOffice: office,
				},
			}
			escalation := Escalation(request, time.Time{})
			routed = requests.route(t, &request, s.Code) || routed
			routed = escalations.route(t, &escalation, office) || routed
		}
		if requests.missed {
			stations = append(stations, UnreachedUnit{Unit: s.Code, Instead: requests.instead})
		}
		if !escalations.missed {
			continue
		}
		i, seen := officeAt[office]
		if !seen {
			i = len(offices)
			officeAt[office] = i
			offices = append(offices, UnreachedUnit{Unit: office, Escalations: true})
		}
		offices[i].Stations = append(offices[i].Stations, s.Code)
		offices[i].Instead = union(offices[i].Instead, escalations.instead)
	}
	return append(stations, offices...), routed
}

// reach collects where the messages meant for one police unit go.
type reach struct {
	// missed is set once a message reached no destination of the unit.
	missed bool
	// instead are the units that the missed messages reached.
	instead []string
}

// route routes m, meant for unit, with t, records the police units of
// its destinations, and reports whether t sent m to any destination.
func (r *reach) route(t *routes.Table, m *canonical.Message, unit string) bool {
	targets := routes.Targets(t.Decide(m))
	units := policeUnits(t, targets)
	if !slices.Contains(units, unit) {
		r.missed = true
		r.instead = union(r.instead, units)
	}
	return len(targets) > 0
}

// union returns a with the elements of b that it lacks appended.
func union(a, b []string) []string {
	for _, s := range b {
		if !slices.Contains(a, s) {
			a = append(a, s)
		}
	}
	return a
}
