package hub

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"regexp"
	"time"

	"github.com/sangam-hub/sangam/adapters"
	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	jpostgres "github.com/sangam-hub/sangam/internal/journal/postgres"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/internal/problem"
	"github.com/sangam-hub/sangam/internal/sqlite"
	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/internal/verification"
)

// VerificationConfig configures passport police verification. The zero
// value uses the defaults.
type VerificationConfig struct {
	// Jurisdiction maps applicants' present addresses to police
	// stations. Default jurisdiction.Default(), the Ernakulam table.
	Jurisdiction *jurisdiction.Table
	// JurisdictionFile is the file that Jurisdiction was read from,
	// which the start-up log names. It is empty when Jurisdiction was
	// not read from a file.
	JurisdictionFile string
	// Deadline is how long after the hub receives a request without a
	// due date its report is due. Default verification.DefaultDeadline,
	// 21 days. It may not be negative.
	Deadline time.Duration
	// Interval is the pause between passes over overdue requests.
	// Default 1 minute. It may not be negative.
	Interval time.Duration
	// Now returns the current time by which requests are overdue and
	// reports late. Default time.Now. Received times, from which due
	// dates are set, come from the ingest service's clock.
	Now func() time.Time
}

// hubVerification is passport verification's part of a hub: the person
// index in the journal's database, the enrichers that run on each
// verification message, the deadline tracker and the handler of the
// status endpoint.
type hubVerification struct {
	index    *verification.Index
	requests *verification.RequestEnricher
	reports  *verification.ReportEnricher
	tracker  *verification.Tracker
	store    journal.Store
	// units maps the destinations of a request's deliveries to police
	// units, for the status and the open-request rejection.
	units   *routeDestinations
	closeDB func() error
	// jurisdiction maps addresses to police stations.
	jurisdiction *jurisdiction.Table
	// statusFailures rate-limits the error lines of status requests that
	// fail because the journal is unavailable.
	statusFailures *throttle.FailureLog
}

// openVerification opens the person index in the hub's journal database
// and brings it up to date with the journal, so a message whose
// observation a crash cut off is indexed before any request is matched.
func openVerification(ctx context.Context, h *Hub, cfg VerificationConfig) (*hubVerification, error) {
	v := &hubVerification{
		store: h.backend.store, units: newRouteDestinations(h.backend.routes),
		closeDB: func() error { return nil },
	}
	v.statusFailures = throttle.NewFailureLog(throttle.FailureLogConfig{
		Logger: h.cfg.Log, Failed: "reading verification status failed",
		Recovered: "reading verification status recovered", CountKey: "failed_requests",
	})
	icfg := verification.IndexConfig{Journal: h.backend.store, Logger: h.cfg.Log}

	var err error
	if pg, ok := h.backend.store.(*jpostgres.Store); ok {
		v.index, err = verification.NewPostgresIndex(ctx, pg.Pool(), icfg)
	} else {
		v.index, err = openSQLiteIndex(ctx, h.cfg.DataDir, icfg, v)
	}
	if err != nil {
		return nil, err
	}
	if _, err := v.index.Rebuild(ctx); err != nil {
		v.close()
		return nil, err
	}

	table := cfg.Jurisdiction
	if table == nil {
		table = jurisdiction.Default()
	}
	v.jurisdiction = table
	v.requests = &verification.RequestEnricher{
		Index: v.index, Jurisdiction: table, Deadline: cfg.Deadline, Zone: h.cfg.TimeZone,
	}
	v.reports = &verification.ReportEnricher{
		Journal: h.backend.store, Now: cfg.Now, Zone: h.cfg.TimeZone, Log: h.cfg.Log,
	}
	v.tracker = &verification.Tracker{
		Index: v.index, Journal: h.backend.store, Now: cfg.Now, Zone: h.cfg.TimeZone,
		Interval: cfg.Interval, Log: h.cfg.Log,
	}
	logVerificationConfig(h.cfg.Log, cfg, table)
	return v, nil
}

// logVerificationConfig logs the jurisdiction table and the deadline in
// force, so that an operator can tell a table read from a file from the
// embedded one.
func logVerificationConfig(log *slog.Logger, cfg VerificationConfig, table *jurisdiction.Table) {
	deadline := cfg.Deadline
	if deadline == 0 {
		deadline = verification.DefaultDeadline
	}
	source := cfg.JurisdictionFile
	switch {
	case table == jurisdiction.Default():
		source = "the embedded table of the Ernakulam demo"
	case source == "":
		source = "a table not read from a file"
	}
	log.Info("passport verification configured", "jurisdiction", source,
		"stations", len(table.Stations()), "deadline_days", deadline.Hours()/24)
}

// openSQLiteIndex opens the index on a handle of its own to the journal's
// SQLite file, which v closes.
func openSQLiteIndex(
	ctx context.Context,
	dataDir string,
	cfg verification.IndexConfig,
	v *hubVerification,
) (*verification.Index, error) {
	db, err := sqlite.Open(filepath.Join(dataDir, journalFile))
	if err != nil {
		return nil, err
	}
	x, err := verification.NewSQLiteIndex(ctx, db, cfg)
	if err != nil {
		db.Close()
		return nil, err
	}
	v.closeDB = db.Close
	return x, nil
}

// install adds the enrichers, the claimer, the guard, the index's
// observer and the warning for requests routed nowhere to svc, and gives
// the tracker a submitter that journals escalations through a copy of
// svc. Call it once svc has every other enricher and observer.
func (v *hubVerification) install(svc *ingest.Service) error {
	// A second request for a file with an open one is rejected as the
	// journal refuses its claim, unless the open one is stranded and the
	// check's Enrich marks the new one as replacing it. The check's guard
	// keeps the tracker from escalating the request that the new one
	// replaces, or whose report arrives while the tracker checks it.
	open := &verification.OpenRequestCheck{Journal: v.reports.Journal, Units: v.units.PoliceUnit}
	svc.Claimers = append(svc.Claimers, open)
	svc.Guards = append(svc.Guards, open)
	svc.Enrichers = append(svc.Enrichers, v.requests, open, v.reports,
		&verification.CaseResolver{Index: v.index})
	svc.RoutedEnrichers = append(svc.RoutedEnrichers, verification.Holders{})
	svc.Observers = append(svc.Observers, v.index)
	svc.UnroutedObservers = append(svc.UnroutedObservers, verification.UnroutedRequestLog{Log: v.tracker.Log})
	sub, err := newHubSubmitter(svc)
	if err != nil {
		return err
	}
	v.tracker.Submitter = sub
	return nil
}

// run escalates overdue requests until ctx ends.
func (v *hubVerification) run(ctx context.Context) { v.tracker.Run(ctx) }

// close releases the index and its database handle.
func (v *hubVerification) close() error {
	return errors.Join(v.index.Close(), v.closeDB())
}

// hubSubmitter journals the messages the hub originates, such as
// escalations, through ingest with the source verification.EscalationSource.
// It is an ingest.Service like the API's, with the same store, routes,
// enrichers and observers, whose only adapter reads canonical JSON as
// that source. The API's service has no such adapter, so no agency can
// post as the hub.
type hubSubmitter struct {
	svc *ingest.Service
}

func newHubSubmitter(svc *ingest.Service) (*hubSubmitter, error) {
	set, err := registry.NewSet(canonicalAdapter{})
	if err != nil {
		return nil, err
	}
	own := *svc
	own.Adapters = set
	own.NoContentCheck = true
	// The hub's own messages are few, and a busy rejection would put an
	// escalation off to the tracker's next pass.
	own.Admission = nil
	return &hubSubmitter{svc: &own}, nil
}

// Submit implements verification.Submitter.
func (s *hubSubmitter) Submit(ctx context.Context, m canonical.Message) (ingest.Result, error) {
	body, err := json.Marshal(m)
	if err != nil {
		return ingest.Result{}, fmt.Errorf("encoding %s: %w", m.SenderMessageID, err)
	}
	results, err := s.svc.Accept(ctx, verification.EscalationSource, body, "application/json")
	if err != nil {
		return ingest.Result{}, err
	}
	return results[0], nil
}

// canonicalAdapter decodes one canonical message in its JSON form. The
// hub sets its Source to the adapter's agency, the hub's own.
type canonicalAdapter struct{}

func (canonicalAdapter) Agency() string { return verification.EscalationSource }

func (canonicalAdapter) Decode(body []byte, _ string) (adapters.Decoded, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var m canonical.Message
	if err := dec.Decode(&m); err != nil {
		return adapters.Decoded{}, fmt.Errorf("%w: %v", adapters.ErrMalformed, err)
	}
	return adapters.Decoded{Messages: []canonical.Message{m}}, nil
}

func (canonicalAdapter) Encode(m *canonical.Message) (adapters.Encoded, error) {
	return adapters.Encoded{}, fmt.Errorf("encoding for the hub: %w", adapters.ErrUnsupported)
}

// fileNumberPattern is a passport file number, as schemas/passport
// describes it.
var fileNumberPattern = regexp.MustCompile(`^[A-Z0-9]{8,20}$`)

// status writes the verification.Status of the path's file_number as
// JSON, for GET /api/v1/verifications/{file_number}. api.Server checks
// the caller's token before it calls status.
func (v *hubVerification) status(w http.ResponseWriter, r *http.Request) {
	file := r.PathValue("file_number")
	if !fileNumberPattern.MatchString(file) {
		problem.Write(w, problem.New(problem.BadRequest, fmt.Sprintf("file_number: invalid "+
			"value %q: want 8 to 20 capital letters and digits", file)))
		return
	}
	s, err := verification.RequestStatus(r.Context(), v.store, v.units.PoliceUnit, file)
	if err != nil && !errors.Is(err, journal.ErrNotFound) {
		v.statusFailures.Failed(err, "case_id", canonical.PassportCaseKey(file))
		problem.Write(w, problem.New(problem.Unavailable, "reading the journal failed"))
		return
	}
	// A not-found result shows that the journal responds.
	v.statusFailures.Succeeded()
	if err != nil {
		problem.Write(w, problem.New(problem.NotFound,
			"no verification request for passport file "+file))
		return
	}
	api.WriteJSON(w, http.StatusOK, s)
}
