package verification

import (
	"slices"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/routes"
)

// kochiCityOnly are the verification routes of a hub with destinations
// for station EKM0420 and the Kochi City office, and none for Ernakulam
// Rural: requests for other stations and every escalation go to Kochi
// City. Only fresh applications' requests reach EKM0420, and reissues'
// requests for it reach no destination.
const kochiCityOnly = `
destinations:
  - {name: ekm0420, agency: passport, url: "http://127.0.0.1:8404/v", police_unit: EKM0420}
  - {name: kochi-city, agency: passport, url: "http://127.0.0.1:8405/e", police_unit: KOCHI-CITY}
routes:
  - name: fresh-to-ekm0420
    when: >-
      message.type == "verification_request" && !message.verification_request.escalated &&
      message.verification_request.police_station == "EKM0420" &&
      message.verification_request.kind == "fresh"
    to: [ekm0420]
  - name: rest-to-kochi-city
    when: >-
      message.type == "verification_request" &&
      (message.verification_request.escalated || message.verification_request.police_station != "EKM0420")
    to: [kochi-city]
`

func loadRoutes(t *testing.T, doc string) *routes.Table {
	t.Helper()
	table, err := routes.Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestUnreachedUnitsDefaultRoutes(t *testing.T) {
	got, routed := UnreachedUnits(jurisdiction.Default(), defaultRoutes(t))
	if !routed {
		t.Error("routed = false, want true: the default routes deliver every request")
	}
	var stations []string
	for _, u := range got {
		if u.Escalations {
			t.Errorf("district office %s unreached by the escalations of %v", u.Unit, u.Stations)
			continue
		}
		stations = append(stations, u.Unit)
		office := "KOCHI-CITY"
		if strings.HasPrefix(u.Unit, "EKR") {
			office = "EKM-RURAL"
		}
		if !slices.Equal(u.Instead, []string{office}) {
			t.Errorf("station %s: requests reach %v, want [%s]", u.Unit, u.Instead, office)
		}
	}
	want := []string{"EKM0401", "EKM0402", "EKM0414", "EKM0416", "EKM0418", "EKM0424",
		"EKM0431", "EKM0432", "EKR0501"}
	if !slices.Equal(stations, want) {
		t.Errorf("unreached stations %v, want %v", stations, want)
	}
}

func TestUnreachedUnitsOfficeWithoutDestination(t *testing.T) {
	got, _ := UnreachedUnits(jurisdiction.Default(), loadRoutes(t, kochiCityOnly))
	byUnit := map[string]UnreachedUnit{}
	for _, u := range got {
		byUnit[u.Unit] = u
	}
	rural, ok := byUnit["EKM-RURAL"]
	if !ok || !rural.Escalations {
		t.Fatalf("EKM-RURAL not reported unreached by escalations: %+v", got)
	}
	if !slices.Equal(rural.Stations, []string{"EKR0501"}) {
		t.Errorf("EKM-RURAL missed by the escalations of %v, want [EKR0501]", rural.Stations)
	}
	if !slices.Equal(rural.Instead, []string{"KOCHI-CITY"}) {
		t.Errorf("EKM-RURAL's escalations reach %v, want [KOCHI-CITY]", rural.Instead)
	}
	if _, ok := byUnit["KOCHI-CITY"]; ok {
		t.Errorf("KOCHI-CITY reported unreached, though every escalation reaches it")
	}
	if u, ok := byUnit["EKM0420"]; !ok || len(u.Instead) != 0 {
		t.Errorf("EKM0420 = %+v, %v; want unreached by reissues' requests, which reach no unit", u, ok)
	}
}

func TestUnreachedUnitsWithoutPoliceUnits(t *testing.T) {
	table := loadRoutes(t, `
destinations:
  - {name: passport-queue, agency: passport, url: "http://127.0.0.1:8405/q"}
routes:
  - {name: all, when: 'message.type == "verification_request"', to: [passport-queue]}
`)
	j := jurisdiction.Default()
	got, routed := UnreachedUnits(j, table)
	if !routed {
		t.Error("routed = false, want true: every request reaches the passport queue")
	}
	if want := len(j.Stations()) + 2; len(got) != want {
		t.Fatalf("%d unreached units, want every station and both offices, %d: %+v", len(got), want, got)
	}
	for _, u := range got {
		if len(u.Instead) != 0 {
			t.Errorf("%s: requests reach %v, want no police unit", u.Unit, u.Instead)
		}
	}
	last := got[len(got)-1]
	if !last.Escalations || last.Unit != "EKM-RURAL" || strings.Join(last.Stations, ",") != "EKR0501" {
		t.Errorf("last unit %+v, want EKM-RURAL missed by EKR0501's escalations", last)
	}
}

func TestUnreachedUnitsWithoutVerificationRoutes(t *testing.T) {
	table := loadRoutes(t, `
destinations:
  - {name: court, agency: courts, url: "http://127.0.0.1:8401/ecf"}
routes:
  - {name: all, when: 'message.type == "chargesheet"', to: [court]}
`)
	got, routed := UnreachedUnits(jurisdiction.Default(), table)
	if routed {
		t.Error("routed = true for routes that send no verification request anywhere")
	}
	if len(got) == 0 {
		t.Error("no unreached unit, want every station and office")
	}
}
