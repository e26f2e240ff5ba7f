package hub

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/routes"
)

// withoutRuralOffice returns the default routes with no route for the
// escalations of Ernakulam Rural's stations, which the catch-all route
// then sends to Kochi City.
func withoutRuralOffice(t *testing.T) string {
	t.Helper()
	doc := string(routes.DefaultDocument())
	const from = `district_office in ["KOCHI-CITY", "EKM-RURAL"]`
	if !strings.Contains(doc, from) {
		t.Fatalf("the default routes lack %s", from)
	}
	doc = strings.Replace(doc, from, `district_office in ["KOCHI-CITY"]`, 1)
	return strings.Replace(doc, `district_office == "EKM-RURAL"`, `district_office == "NONE"`, 1)
}

func TestUnreachedUnitsLogged(t *testing.T) {
	log, logs := capturedLog()
	h := startHub(t, Config{DataDir: t.TempDir(), Log: log, RoutesInterval: 20 * time.Millisecond})
	for _, want := range []string{
		`level=INFO msg="verification requests for these stations of the jurisdiction table reach ` +
			`no destination whose police_unit is the station; the routes send them to the units ` +
			`that delivered_to lists, each with the stations it receives; to deliver them to the ` +
			`stations, add such destinations and routes to them" routes_version=1 ` +
			`stations=EKM0401,EKM0402,EKM0414,EKM0416,EKM0418,EKM0424,EKM0431,EKM0432,EKR0501 ` +
			`delivered_to.KOCHI-CITY=EKM0401,EKM0402,EKM0414,EKM0416,EKM0418,EKM0424,EKM0431,` +
			`EKM0432 delivered_to.EKM-RURAL=EKR0501`,
		`msg="passport verification configured" jurisdiction="the embedded table of the ` +
			`Ernakulam demo" stations=11 deadline_days=21`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("start-up log lacks %q:\n%s", want, logs)
		}
	}
	// One line names every station whose requests reach another unit.
	if n := strings.Count(logs.String(), "verification requests for these stations"); n != 1 {
		t.Errorf("start-up log has %d lines about stations' requests, want 1:\n%s", n, logs)
	}
	if strings.Contains(logs.String(), "escalations of requests for these stations") {
		t.Errorf("start-up log reports an office that the default routes reach:\n%s", logs)
	}
	// The default routes deliver those requests to the district offices
	// on purpose, so nothing there is for an operator to act on.
	if strings.Contains(logs.String(), "level=WARN msg=\"verification requests for these stations") {
		t.Errorf("start-up log warns about stations whose requests reach their district office:\n%s", logs)
	}

	url := "http://" + h.Addr()
	status := sendJSON(t, http.MethodPut, url+"/api/v1/routes", api.RoutesChange{
		Document: withoutRuralOffice(t), Expect: 1, By: "test"}, nil)
	if status != http.StatusCreated && status != http.StatusOK {
		t.Fatalf("PUT routes: status %d", status)
	}
	want := "routes_version=2 district_office=EKM-RURAL stations=EKR0501 delivered_to=KOCHI-CITY"
	waitFor(t, "the warning about Ernakulam Rural", func() bool {
		return strings.Contains(logs.String(), want)
	})
	if !strings.Contains(logs.String(), "escalations of requests for these stations reach no "+
		"destination whose police_unit is their district office") {
		t.Errorf("log lacks the escalation warning's message:\n%s", logs)
	}
	stationLines := 0
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "verification requests for these stations") &&
			strings.Contains(line, "routes_version=2 ") {
			stationLines++
		}
	}
	if stationLines != 1 {
		t.Errorf("%d lines about stations' requests for version 2, want 1:\n%s", stationLines, logs)
	}
}

func TestConfigVerificationDurations(t *testing.T) {
	for _, c := range []struct {
		name string
		cfg  VerificationConfig
	}{
		{"verification.deadline", VerificationConfig{Deadline: -time.Hour}},
		{"verification.interval", VerificationConfig{Interval: -time.Second}},
	} {
		err := (Config{Verification: c.cfg}).Validate()
		if err == nil || !strings.Contains(err.Error(), c.name+": -") {
			t.Errorf("%+v: error %v, want one naming %s", c.cfg, err, c.name)
		}
	}
	if err := (Config{Verification: VerificationConfig{Deadline: time.Hour}}).Validate(); err != nil {
		t.Errorf("deadline of an hour: %v", err)
	}
}

// TestUnreachedUnitsNotCheckedWithoutPassport starts hubs on routes
// that take nothing from the passport office, and on routes that send
// its requests nowhere: neither warns about stations, and the second
// says at info level that no request is delivered.
func TestUnreachedUnitsNotCheckedWithoutPassport(t *testing.T) {
	const courtOnly = `
destinations:
  - {name: court, agency: courts, url: "http://127.0.0.1:8401/ecf"}
routes:
  - {name: all, when: 'message.type == "chargesheet"', to: [court]}
`
	const info = `level=INFO msg="the routes send passport verification requests to no destination`
	for _, c := range []struct {
		name, routes string
		info         bool
	}{
		{"no passport agency", "agencies: [{name: police}, {name: courts}]\n" + courtOnly, false},
		{"no verification route", courtOnly, true},
	} {
		log, logs := capturedLog()
		startHub(t, Config{DataDir: t.TempDir(), Log: log, Routes: []byte(c.routes)})
		if strings.Contains(logs.String(), "these stations") {
			t.Errorf("%s: the hub warned about stations:\n%s", c.name, logs)
		}
		if got := strings.Contains(logs.String(), info); got != c.info {
			t.Errorf("%s: log has the info line %t, want %t:\n%s", c.name, got, c.info, logs)
		}
	}
}

// TestUnreachedUnitsWarnWhenNoUnitHolds starts a hub on routes that send
// the requests of Ernakulam Rural's stations and their escalations to no
// police unit: those lines are warnings, while the stations whose
// requests reach Kochi City's office get an info line.
func TestUnreachedUnitsWarnWhenNoUnitHolds(t *testing.T) {
	log, logs := capturedLog()
	startHub(t, Config{DataDir: t.TempDir(), Log: log, Routes: []byte(withoutRuralRoutes(t))})
	for _, want := range []string{
		`level=WARN msg="verification requests for these stations of the jurisdiction table reach ` +
			`no destination whose police_unit is the station nor any other with a police_unit`,
		`level=WARN msg="escalations of requests for these stations reach no destination whose ` +
			`police_unit is their district office nor any other with a police_unit`,
		`level=INFO msg="verification requests for these stations of the jurisdiction table reach ` +
			`no destination whose police_unit is the station; the routes send them to the units ` +
			`that delivered_to lists`,
	} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("start-up log lacks %q:\n%s", want, logs)
		}
	}
}

// withoutRuralRoutes returns the default routes without the two routes
// to the Ernakulam Rural district office, so requests for its stations
// that have no destination of their own, and the escalations of all its
// stations' requests, reach no destination.
func withoutRuralRoutes(t *testing.T) string {
	t.Helper()
	doc := string(routes.DefaultDocument())
	const from = "  - name: verification-escalation-to-ekm-rural\n"
	const to = "  - name: verification-request-without-station-route\n"
	i, j := strings.Index(doc, from), strings.Index(doc, to)
	if i < 0 || j < i {
		t.Fatalf("the default routes lack %q followed by %q", from, to)
	}
	if !strings.Contains(doc[i:j], "name: verification-request-to-ekm-rural-office\n") {
		t.Fatalf("the default routes lack verification-request-to-ekm-rural-office between %q and %q",
			from, to)
	}
	return doc[:i] + doc[j:]
}

func TestRoutesChangeWarnsOfUnreachedUnits(t *testing.T) {
	h := startHub(t, Config{DataDir: t.TempDir(), Log: quietLog()})
	url := "http://" + h.Addr() + "/api/v1/routes"
	const noUnit = " nor any other with a police_unit, so no police unit holds them; to deliver " +
		"them to the "
	wants := []string{
		"stations=EKR0501: verification requests for these stations of the jurisdiction table " +
			"reach no destination whose police_unit is the station" + noUnit +
			"stations, add such destinations and routes to them",
		"district_office=EKM-RURAL stations=EKR0501: escalations of requests for " +
			"these stations reach no destination whose police_unit is their district office" + noUnit +
			"district office, add such a destination and a route to it",
	}
	for _, dryRun := range []bool{true, false} {
		var res api.RoutesChangeResult
		status := sendJSON(t, http.MethodPut, url, api.RoutesChange{
			Document: withoutRuralRoutes(t), Expect: 1, By: "test", DryRun: dryRun}, &res)
		if status != http.StatusOK && status != http.StatusCreated {
			t.Fatalf("dry run %v: PUT routes: status %d", dryRun, status)
		}
		for _, want := range wants {
			if !slices.Contains(res.Warnings, want) {
				t.Errorf("dry run %v: warnings lack %q:\n%s", dryRun, want, strings.Join(res.Warnings, "\n"))
			}
		}
		if slices.ContainsFunc(res.Warnings, func(w string) bool {
			return strings.Contains(w, "delivered_to=EKM-RURAL")
		}) {
			t.Errorf("dry run %v: warnings name EKM-RURAL as receiving requests that no route sends "+
				"there:\n%s", dryRun, strings.Join(res.Warnings, "\n"))
		}
	}
}
