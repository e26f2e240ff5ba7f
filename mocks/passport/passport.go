// Package passport is a mock passport office, for tests and the demo.
// Send files a police verification request with the hub, and the
// handler receives the verification reports the hub delivers. samples/
// holds requests the office sends, one of them invalid on purpose.
//
// Police stations answer requests; that side lives with the mock police
// station.
package passport

import (
	"log/slog"
	"net/http"

	"github.com/sangam-hub/sangam/mocks/inbox"
)

// reportSchema is the schema a delivered report must pass.
const reportSchema = "passport/verification_report.json"

// Office is a mock passport office. It serves:
//
//	POST /reports   accept a hub delivery: 200 when recorded or a repeat
//	                of an Idempotency-Key, 400 with a JSON reason when the
//	                key is missing or the body is not a valid verification
//	                report
//	GET  /received  list the distinct deliveries, oldest first
//
// It is safe for concurrent use.
type Office struct {
	inbox *inbox.Inbox
	log   *slog.Logger
	mux   *http.ServeMux
}

// New returns an office with an empty inbox. A nil log means
// slog.Default().
func New(log *slog.Logger) *Office {
	if log == nil {
		log = slog.Default()
	}
	o := &Office{inbox: inbox.New("passport", log), log: log, mux: http.NewServeMux()}
	o.mux.HandleFunc("POST /reports", o.inbox.Validated(reportSchema, "verification report"))
	o.mux.Handle("GET /received", o.inbox)
	return o
}

// ServeHTTP routes a request to the office's endpoints.
func (o *Office) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.mux.ServeHTTP(w, r)
}

// Received returns the distinct deliveries, oldest first.
func (o *Office) Received() []inbox.Item {
	return o.inbox.Items()
}
