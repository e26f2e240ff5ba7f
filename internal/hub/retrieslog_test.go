package hub

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/sangam-hub/sangam/routes"
)

// retriesRoutes returns a routes table whose court destination and
// to-court route have the given retries settings, "" leaving one out.
func retriesRoutes(t *testing.T, destination, route string) *routes.Table {
	t.Helper()
	setting := func(v string) string {
		if v == "" {
			return ""
		}
		return ", retries: " + v
	}
	doc := fmt.Sprintf(`destinations:
  - {name: court, agency: courts, url: "http://127.0.0.1:18401/ecf"%s}
routes:
  - {name: to-court, when: 'message.type == "chargesheet"', to: [court]%s}
`, setting(destination), setting(route))
	table, err := routes.Load([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return table
}

func TestRetriesSwitchLogged(t *testing.T) {
	var out bytes.Buffer
	h := &Hub{cfg: Config{Log: slog.New(slog.NewTextHandler(&out, nil))}}

	on := retriesRoutes(t, "", "")
	destinationOff := retriesRoutes(t, "false", "")
	routeOff := retriesRoutes(t, "", "false")

	h.logRetriesSwitch(1, nil, on)
	if out.Len() != 0 {
		t.Errorf("start-up with retries on logged %q, want nothing", out.String())
	}

	out.Reset()
	h.logRetriesSwitch(2, on, destinationOff)
	if got := out.String(); !strings.Contains(got, "level=WARN msg=\"automatic retries are off") ||
		!strings.Contains(got, "destination=court routes_version=2") {
		t.Errorf("turning the destination's retries off logged %q", got)
	}

	out.Reset()
	h.logRetriesSwitch(3, destinationOff, routeOff)
	got := out.String()
	if !strings.Contains(got, "msg=\"automatic retries are on again\" destination=court routes_version=3") {
		t.Errorf("turning the destination's retries on again logged %q", got)
	}
	if !strings.Contains(got, "route=to-court routes_version=3") {
		t.Errorf("turning the route's retries off logged %q", got)
	}

	out.Reset()
	h.logRetriesSwitch(4, routeOff, routeOff)
	if out.Len() != 0 {
		t.Errorf("a version that changes no retries setting logged %q", out.String())
	}

	out.Reset()
	h.logRetriesSwitch(4, nil, routeOff)
	if !strings.Contains(out.String(), "route=to-court routes_version=4") {
		t.Errorf("start-up with a route's retries off logged %q", out.String())
	}
}
