package verification

import (
	"context"
	"log/slog"

	"github.com/sangam-hub/sangam/canonical"
)

// UnroutedRequestLog logs a warning for each verification request from
// the passport office that the routes sent to no destination, since no
// police unit will verify that applicant. It implements ingest.Observer
// for ingest.Service.UnroutedObservers. Escalations are left out,
// because the Tracker logs those that reach no destination.
type UnroutedRequestLog struct {
	// Log receives the warnings. Default slog.Default().
	Log *slog.Logger
}

// Observe logs m when it is a verification request other than an
// escalation.
func (u UnroutedRequestLog) Observe(_ context.Context, m *canonical.Message) {
	r := m.VerificationRequest
	if m.Type != canonical.TypeVerificationRequest || r == nil || r.Escalated {
		return
	}
	log := u.Log
	if log == nil {
		log = slog.Default()
	}
	log.Warn("verification request sent to no destination: no route matches it, so no police "+
		"unit received it. Add a route for its police station or district police office, and "+
		"the passport office's next request for the file replaces this one",
		"message_id", m.ID, "sender_message_id", m.SenderMessageID, "case_id", m.CaseKey,
		"police_station", r.PoliceStation, "district_office", r.DistrictOffice)
}
