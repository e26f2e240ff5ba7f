package hub

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/verification"
	"github.com/sangam-hub/sangam/mocks/police"
	"github.com/sangam-hub/sangam/routes"
)

func TestUndeliveredRequestStatusSQLite(t *testing.T) {
	testUndeliveredRequestStatus(t, Config{})
}

func TestUndeliveredRequestStatusPostgres(t *testing.T) {
	testUndeliveredRequestStatus(t, Config{PostgresDSN: postgresDSN(t)})
}

// testUndeliveredRequestStatus sends a request through the default
// routes to the Ernakulam Rural district police office while its system
// is down, so that its only delivery is dead-lettered. The status shows
// that no unit received it, and a second request's 409 asks the passport
// office to have the dead letter replayed. Once the office's system is
// up again, the replay delivers the request.
func testUndeliveredRequestStatus(t *testing.T, cfg Config) {
	var down atomic.Bool
	down.Store(true)
	var district atomic.Pointer[police.Station]
	gate := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if down.Load() {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		district.Load().ServeHTTP(w, r)
	}))
	t.Cleanup(gate.Close)
	const from = `url: "http://127.0.0.1:8408/escalations"`
	doc := string(routes.DefaultDocument())
	if !strings.Contains(doc, from) {
		t.Fatalf("the default routes lack %s", from)
	}
	cfg.Routes = []byte(strings.Replace(doc, from, `url: "`+gate.URL+`/escalations", max_attempts: 2`, 1))
	w := newVerificationWorld(t, cfg)
	district.Store(w.rural)

	const file = "CO1075120587199"
	code, res, body := post(t, w.url, "passport", reissueRequest(t, "RPO-31", file))
	if code != http.StatusAccepted {
		t.Fatalf("request: status %d, %s", code, body)
	}
	var s verification.Status
	waitFor(t, "the undelivered status", func() bool {
		s = w.status(t, file)
		return s.State == verification.StateUndelivered
	})
	if len(s.Deliveries) != 1 {
		t.Fatalf("deliveries = %+v, want the one to EKM-RURAL", s.Deliveries)
	}
	dead := s.Deliveries[0]
	if dead.PoliceUnit != "EKM-RURAL" || dead.MessageID != res.MessageID || dead.Status != journal.StatusDead {
		t.Errorf("delivery = %+v, want EKM-RURAL's of %s dead", dead, res.MessageID)
	}

	message := openRequestConflict(t, w.url, reissueRequest(t, "RPO-32", file))
	for _, want := range []string{"No police unit received it", dead.DeliveryID, "replay"} {
		if !strings.Contains(message, want) {
			t.Errorf("409 message %q does not contain %q", message, want)
		}
	}
	if strings.Contains(message, "resend that request") {
		t.Errorf("409 message %q advises a resend, which delivers nothing", message)
	}

	down.Store(false)
	replay(t, w.url, dead.DeliveryID, ``, http.StatusCreated)
	waitFor(t, "the replayed request at the district office", func() bool {
		return len(w.rural.Escalations()) == 1
	})
	waitFor(t, "the delivered status", func() bool {
		s = w.status(t, file)
		return len(s.Deliveries) == 1 && s.Deliveries[0].Status == journal.StatusDelivered
	})
	if s.State != verification.StatePending {
		t.Errorf("status after the replay = %s, want pending", s.State)
	}
	code, _, body = post(t, w.url, "passport", reissueRequest(t, "RPO-33", file))
	if code != http.StatusConflict || !strings.Contains(string(body), "Wait for its report") {
		t.Errorf("request after the replay: status %d, want 409 telling to wait; %s", code, body)
	}
}
