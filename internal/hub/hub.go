package hub

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"
	"github.com/ThreeDotsLabs/watermill/message/router/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/sangam-hub/sangam/adapters/registry"
	"github.com/sangam-hub/sangam/internal/api"
	"github.com/sangam-hub/sangam/internal/arrestclaim"
	"github.com/sangam-hub/sangam/internal/bus"
	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
	"github.com/sangam-hub/sangam/internal/courtfiling"
	"github.com/sangam-hub/sangam/internal/custody"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/firclaim"
	"github.com/sangam-hub/sangam/internal/ingest"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/jurisdiction"
	"github.com/sangam-hub/sangam/internal/metrics"
	"github.com/sangam-hub/sangam/internal/movementclaim"
	"github.com/sangam-hub/sangam/internal/orderclaim"
	"github.com/sangam-hub/sangam/internal/orderreply"
	"github.com/sangam-hub/sangam/internal/outbound"
	"github.com/sangam-hub/sangam/internal/policycheck"
	"github.com/sangam-hub/sangam/internal/routestore"
	"github.com/sangam-hub/sangam/internal/throttle"
	"github.com/sangam-hub/sangam/routes"
	"github.com/sangam-hub/sangam/schemas"
)

// Hub is a running hub's parts. Open builds it; Run serves until its
// context ends.
type Hub struct {
	cfg      Config
	backend  *backend
	table    atomic.Pointer[routes.Table]
	router   *message.Router
	worker   *delivery.Worker
	adapters *registry.Set
	// applied is the routes version in force at Open; the watcher
	// starts from it.
	applied int
	// createdKey is the Aadhaar key file that Open created, or "" when
	// the key came from the configuration or an existing file.
	createdKey string
	// handlersMu guards running, the delivery topics with handlers, and
	// unstarted, those that wait for Kafka to respond, each with the
	// ack deadline of its subscriber.
	handlersMu sync.Mutex
	running    map[string]bool
	unstarted  map[string]time.Duration
	// kafkaDown logs the tries to start unstarted topics that found no
	// Kafka broker, and the one that started them.
	kafkaDown *throttle.FailureLog
	// unstartedCount is len(unstarted), for readers that do not wait.
	unstartedCount atomic.Int64
	breakers       *delivery.Breakers
	// metrics is served at GET /metrics.
	metrics *metrics.Metrics
	// drain is the context of delivery attempts; Run cancels it with
	// stopDrain once the router has waited for them at shutdown.
	drain     context.Context
	stopDrain context.CancelFunc
	// stopping is set when Run starts to stop. The bus logger then logs
	// the failed end of a batch's transaction at Debug.
	stopping atomic.Bool
	// busLog is the logger of watermill and the bus libraries. Run runs
	// its runFlush until the hub stops.
	busLog   *busLogger
	requeuer *delivery.Requeuer
	// verification is passport verification: index, enrichers, tracker.
	verification *hubVerification
	server       *http.Server
	// api is the handler that server serves. Run runs its
	// RunDeniedFlush until the hub stops.
	api      *api.Server
	listener net.Listener
	// endpoints is built from table: each destination's credentials and
	// TLS transport. A new set is stored before its table.
	endpoints atomic.Pointer[outbound.Set]
	// watcher follows the routes store once Run has started it.
	watcher atomic.Pointer[routestore.Watcher]
}

// Open checks the configuration, opens the journal and bus, compiles the
// routes and binds the API's address. Nothing is served until Run.
func Open(ctx context.Context, cfg Config) (*Hub, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// Bound first, so that an address in use stops the start before it
	// creates a key file or migrates a journal.
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return nil, fmt.Errorf("listening on %s: %w", cfg.Listen, err)
	}
	created := missingFolders(cfg.DataDir)
	h, err := open(ctx, cfg, ln)
	if err != nil {
		_ = ln.Close()
		removeEmptyFolders(created)
		return nil, err
	}
	return h, nil
}

// missingFolders returns dir and each of its parents that does not exist
// yet, deepest first: the folders that a start creates for its data
// folder.
func missingFolders(dir string) []string {
	var missing []string
	for dir != "" {
		if _, err := os.Lstat(dir); !errors.Is(err, fs.ErrNotExist) {
			break
		}
		missing = append(missing, dir)
		parent := filepath.Dir(dir)
		if parent == dir {
			break
		}
		dir = parent
	}
	return missing
}

// removeEmptyFolders removes each of folders, in order, while it is
// empty. A failed start thus leaves no folder that it created for
// nothing, and keeps one that holds a journal or a key for the next
// start, because os.Remove fails on a folder that is not empty.
func removeEmptyFolders(folders []string) {
	for _, dir := range folders {
		if err := os.Remove(dir); err != nil {
			return
		}
	}
}

// open is Open with cfg's defaults applied and the API's address bound
// to ln.
func open(ctx context.Context, cfg Config, ln net.Listener) (*Hub, error) {
	// Read before anything is created, so that a missing or invalid file
	// leaves no trace.
	kafka, err := cfg.kafkaConfig()
	if err != nil {
		return nil, err
	}
	if err := schemas.Check(); err != nil {
		return nil, err
	}
	doc := routes.Normalize(cfg.Routes)
	if len(doc) == 0 {
		doc = routes.DefaultDocument()
	}
	table, err := loadRoutes(doc)
	if err != nil {
		return nil, invalidRoutesError{file: cfg.RoutesFile, err: err}
	}
	// createdKey is the key file this start made. A start that fails
	// before the journal records the key removes it, because the next
	// start would otherwise keep it and fail on a journal with another key.
	createdKey := ""
	keyRecorded := false
	defer func() {
		if createdKey != "" && !keyRecorded {
			_ = os.Remove(createdKey)
		}
	}()
	if len(cfg.AadhaarKey) == 0 {
		var created bool
		if cfg.AadhaarKey, created, err = loadOrCreateKey(cfg.DataDir); err != nil {
			return nil, err
		}
		if created {
			createdKey = keyPath(cfg.DataDir)
		}
	}
	set, err := registry.Default(registry.Options{AadhaarKey: cfg.AadhaarKey})
	if err != nil {
		return nil, err
	}
	if cfg.Tokens != nil {
		if err := cfg.Tokens.CheckAgencies(set.Agencies()); err != nil {
			return nil, fmt.Errorf("token file %s: %w", cfg.TokenFile, err)
		}
	}

	h := &Hub{cfg: cfg, adapters: set, running: map[string]bool{}, unstarted: map[string]time.Duration{},
		listener: ln, createdKey: createdKey}
	h.kafkaDown = throttle.NewFailureLog(throttle.FailureLogConfig{
		Logger: cfg.Log, Interval: time.Minute, CountKey: "failed_tries",
		Failed: "no Kafka broker answers: the hub takes messages, and their delivery commands " +
			"wait in the outbox until Kafka answers and the delivery topics start",
		Recovered: "Kafka answers: the delivery topics that waited for it started",
	})
	subscribers := 0
	for _, d := range table.Config().Destinations {
		subscribers += d.Concurrency
	}
	h.busLog = watermillLogger(cfg.Log, &h.stopping)
	if h.backend, err = openBackend(ctx, cfg, kafka, subscribers, h.busLog); err != nil {
		return nil, err
	}
	if checker, ok := h.backend.store.(journal.KeyChecker); ok {
		if err := checker.CheckKey(ctx, keyFingerprint(cfg.AadhaarKey)); err != nil {
			h.backend.close()
			return nil, err
		}
	}
	keyRecorded = true
	if err := h.seedRoutes(ctx, doc, table); err != nil {
		h.backend.close()
		return nil, err
	}
	if err := h.build(ctx, set); err != nil {
		h.backend.close()
		return nil, err
	}
	return h, nil
}

// loadRoutes compiles doc and checks that each agency it names has an
// adapter. When either fails, the error lists the problems of both, as
// the admin API lists them for a change, so that one start reports
// every one of them.
func loadRoutes(doc []byte) (*routes.Table, error) {
	table, loadErr := routes.Load(doc)
	known, err := registry.DefaultAgencies()
	if err != nil {
		return nil, err
	}
	// Parse returns the decoded document even when it breaks other
	// rules, so its agencies are checked too.
	config, _ := routes.Parse(doc)
	agencyErr := config.CheckAgencies(known)
	var invalid *routes.InvalidError
	switch {
	case loadErr == nil && agencyErr == nil:
		return table, nil
	case loadErr == nil || errors.As(loadErr, &invalid):
		// Problems sorts the problems of both by pointer, as one
		// *routes.InvalidError lists them.
		return nil, routes.Invalid(routes.Problems(errors.Join(loadErr, agencyErr))...)
	default:
		return nil, errors.Join(loadErr, agencyErr)
	}
}

// invalidRoutesError is the error of a routes document that does not
// load at start-up. It names the file and puts each problem on an
// indented line, as sangam routes apply prints them.
type invalidRoutesError struct {
	file string
	err  error
}

func (e invalidRoutesError) Error() string {
	name := "the routes document"
	if e.file != "" {
		name = "routes file " + e.file
	}
	return fmt.Sprintf("%s is invalid; nothing was stored, so correct it and start again:\n  %s",
		name, strings.ReplaceAll(e.err.Error(), "\n", "\n  "))
}

func (e invalidRoutesError) Unwrap() error { return e.err }

// seedRoutes stores doc, compiled as docTable, as the first routes
// version of an empty store and puts the store's current version in
// force. A doc that differs from a
// stored version is not applied, unless Config.ReplaceRoutes is set: the
// store is the record, and changes go through the admin API or sangam
// routes apply.
func (h *Hub) seedRoutes(ctx context.Context, doc []byte, docTable *routes.Table) error {
	// policiesChecked is set when the version put in force is doc and
	// its policies passed policycheck during this start.
	policiesChecked, err := h.checkSeedFiles(ctx, docTable)
	if err != nil {
		return err
	}
	v, differs, err := routestore.Seed(ctx, h.backend.routes, doc, "hub start-up")
	if err != nil {
		return fmt.Errorf("seeding routes: %w", err)
	}
	// Another replica may have seeded its own file first.
	policiesChecked = policiesChecked && !differs
	if differs && h.cfg.ReplaceRoutes {
		const outcome = "the stored routes were not replaced"
		if err := h.checkFiles(docTable, outcome); err != nil {
			return err
		}
		if err := h.checkPolicies(docTable, outcome); err != nil {
			return err
		}
		policiesChecked = true
		v, err = h.backend.routes.Save(ctx, routestore.Change{Document: doc, By: "hub start-up",
			Comment: "routes of this start, in place of the stored ones", Expect: v.Number})
		if err != nil {
			return fmt.Errorf("replacing the stored routes: %w", err)
		}
		h.cfg.Log.Info("the stored routes differed from this start's, which replace them",
			"routes_version", v.Number)
	} else if differs && len(h.cfg.Routes) == 0 {
		h.cfg.Log.Info("the stored routes, which stay in force, differ from the embedded default routes",
			"routes_version", v.Number)
	} else if differs {
		h.logRoutesFileDiffers(ctx, doc, v.Number)
	}
	table, err := routes.LoadStored(v.Document)
	if err != nil {
		return fmt.Errorf("stored routes version %d: %w", v.Number, err)
	}
	// A file missing now stops only its destination's deliveries, as it
	// would while the hub runs, so that the other agencies' messages flow
	// and the routes can be changed through the running hub.
	set := outbound.BuildStored(table, h.reserved(), h.cfg.Log.With("routes_version", v.Number))
	h.endpoints.Store(set)
	h.table.Store(table.Labeled(versionLabel(v.Number)))
	h.applied = v.Number
	h.warnURLCredentials(v.Number, table)
	h.logRetriesSwitch(v.Number, nil, table)
	if !policiesChecked {
		h.warnPolicyEncoding(v.Number, table)
	}
	h.warnUnreachedUnits(v.Number, table)
	h.warnExcludedRoutes(v.Number, table)
	return nil
}

// logRoutesFileDiffers logs that doc, the routes file of this start,
// differs from current, the number of the stored version that the hub
// puts in force, because the file only seeds an empty store. A file that
// is an earlier stored version, as after a routes apply since the first
// start, gets an info line. A file that matches no stored version holds
// changes that are not in force, so it gets a warning.
func (h *Hub) logRoutesFileDiffers(ctx context.Context, doc []byte, current int) {
	attrs := []any{"routes_version", current}
	if h.cfg.RoutesFile != "" {
		attrs = append(attrs, "file", h.cfg.RoutesFile)
	}
	earlier, err := routestore.FindDocument(ctx, h.backend.routes, doc, current)
	switch {
	case err != nil:
		h.cfg.Log.Warn("the routes file differs from the stored routes version in force, which the "+
			"hub uses, because the file only seeds an empty routes store, and reading the earlier "+
			"versions to compare them with the file failed; to use the file, apply it with sangam "+
			"routes apply", append(attrs, "error", err)...)
	case earlier > 0:
		h.cfg.Log.Info("the routes file is an earlier stored routes version, so the hub uses the "+
			"newer version in force, because the file only seeds an empty routes store; to use the "+
			"file's routes again, restore its version with sangam routes restore, or to drop this "+
			"line, write the version in force to the file with sangam routes export",
			append(attrs, "file_version", earlier)...)
	default:
		h.cfg.Log.Warn("the routes file matches no stored routes version, so its changes are not in "+
			"force: the hub uses the stored version in force, because the file only seeds an empty "+
			"routes store; to use the file, apply it with sangam routes apply, or to keep the "+
			"stored routes, write them to the file with sangam routes export", attrs...)
	}
}

// checkSeedFiles reads the destinations' secret and TLS files that the
// routes file, compiled as docTable, names when the store is empty, so
// Seed would save the file. A file missing
// then would be saved into a first version that the hub cannot start on
// and that only a running hub can replace. It also checks the file's
// policies then, and returns true when it did.
func (h *Hub) checkSeedFiles(ctx context.Context, docTable *routes.Table) (bool, error) {
	_, err := h.backend.routes.Current(ctx)
	if !errors.Is(err, routestore.ErrEmpty) {
		return false, nil // Seed keeps the stored version, or reports the error.
	}
	if err := h.checkFiles(docTable, h.firstStartLeft("it saves this file as the first routes "+
		"version once the files it names are in place")); err != nil {
		return false, err
	}
	return true, h.checkPolicies(docTable, h.firstStartLeft("correct the file and start again"))
}

// firstStartLeft returns the end of the error of a first start whose
// routes file fails a check after the journal was opened. It states that
// the routes were not saved, what the start leaves behind, and then next.
// The journal and a key file this start created stay, because the journal
// records the key's fingerprint and the next start uses both.
func (h *Hub) firstStartLeft(next string) string {
	journal := "the journal in PostgreSQL"
	if h.cfg.PostgresDSN == "" {
		journal = "the journal " + filepath.Join(h.cfg.DataDir, journalFile)
	}
	left := journal + " is created and migrated, which the next start uses"
	if h.createdKey != "" {
		left = journal + " is created and migrated and this start created the Aadhaar key file " +
			h.createdKey + ", both of which the next start uses"
	}
	return "the routes were not saved, but " + left + "; " + next
}

// checkFiles returns an error, ending with outcome, when a file that a
// destination of table, compiled from the routes file, names is missing
// or invalid. The hub checks a document it is about to save at start-up,
// as the admin API checks one it saves.
func (h *Hub) checkFiles(table *routes.Table, outcome string) error {
	if err := outbound.Check(table.Config(), h.reserved()); err != nil {
		return fmt.Errorf("routes file: %w; %s", err, outcome)
	}
	return nil
}

// checkPolicies returns an error, ending with outcome, for the routes
// file, compiled as table. It fails when a destination's policy keeps a
// sample message from encoding in the destination's format, or a route
// sends one to a destination whose format cannot encode its type. The hub
// checks a document it is about to save at start-up, as the admin API
// checks one it saves.
func (h *Hub) checkPolicies(table *routes.Table, outcome string) error {
	if err := policycheck.Check(table, h.adapters.Adapter); err != nil {
		return fmt.Errorf("routes file: %w; %s", err, outcome)
	}
	return nil
}

// reserved returns the hub's own secret files and its data folder, which
// no destination may name as its credentials: the Aadhaar key file, the
// token file, the Kafka client key and SASL password files and the
// PostgreSQL password files.
func (h *Hub) reserved() *outbound.Reserved {
	r := &outbound.Reserved{
		Files:   map[string]string{},
		Folders: map[string]string{"the hub's data folder": h.cfg.DataDir},
	}
	for description, path := range map[string]string{
		"the hub's Aadhaar key file":         keyPath(h.cfg.DataDir),
		"the hub's token file":               h.cfg.TokenFile,
		"the hub's Kafka client key file":    h.cfg.KafkaKeyFile,
		"the hub's Kafka SASL password file": h.cfg.KafkaSASLPasswordFile,
	} {
		if path != "" {
			r.Files[description] = path
		}
	}
	for description, path := range postgresPasswordFiles(h.cfg.PostgresDSN) {
		r.Files[description] = path
	}
	return r
}

// postgresPasswordFiles returns the password files that pgx may read a
// PostgreSQL password from: the URL's passfile, $PGPASSFILE and
// ~/.pgpass, each that is set. With no PostgreSQL URL it still returns
// the last two, because they are the machine's secrets all the same.
func postgresPasswordFiles(dsn string) map[string]string {
	files := map[string]string{}
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		if p := u.Query().Get("passfile"); p != "" {
			files["the PostgreSQL password file of the hub's URL"] = p
		}
	} else {
		for _, field := range strings.Fields(dsn) {
			if p, ok := strings.CutPrefix(field, "passfile="); ok && p != "" {
				files["the PostgreSQL password file of the hub's URL"] = strings.Trim(p, "'")
			}
		}
	}
	if p := os.Getenv("PGPASSFILE"); p != "" {
		files["the PostgreSQL password file in $PGPASSFILE"] = p
	}
	if home, err := os.UserHomeDir(); err == nil {
		files["the PostgreSQL password file ~/.pgpass"] = filepath.Join(home, ".pgpass")
	}
	return files
}

// warnURLCredentials logs each destination of t whose url contains
// credentials, which only versions saved before the rule against them
// may have. The log names the destination, never the url.
func (h *Hub) warnURLCredentials(version int, t *routes.Table) {
	for _, d := range t.Config().Destinations {
		if d.URLHasCredentials() {
			h.cfg.Log.Warn("destination url contains credentials, which every reader of the "+
				"routes can see; move them to a bearer_token_file or basic_auth file and apply "+
				"a new routes version", "routes_version", version, "destination", d.Name)
		}
	}
}

// warnPolicyEncoding logs each problem that policycheck finds with a
// destination's policy or a route in t, which only versions saved before
// those checks may have. A policy that keeps sample messages from encoding in
// the destination's format gets their deliveries dead-lettered. One that
// removes or masks a field the receiver needs unchanged gets them
// delivered, but the receiver cannot match or file them.
func (h *Hub) warnPolicyEncoding(version int, t *routes.Table) {
	err := policycheck.Check(t, h.adapters.Adapter)
	if err == nil {
		return
	}
	problems := routes.Problems(err)
	if len(problems) == 0 {
		h.cfg.Log.Warn("destination policies could not be checked against sample messages",
			"routes_version", version, "error", err)
		return
	}
	for _, p := range problems {
		msg := "destination policy keeps its format from encoding sample messages; " +
			"deliveries of that type will be dead-lettered until a new routes version allows " +
			"the fields the format needs"
		if p.Rule == routes.RuleRouteEncoding {
			msg = "route sends messages to a destination whose format cannot encode them; " +
				"they will be dead-lettered until a new routes version sends them elsewhere"
		}
		if p.Rule == routes.RulePolicyKeyField {
			msg = "destination policy removes or masks a field that the receiver needs " +
				"unchanged; deliveries of that type reach a receiver that cannot match or file " +
				"them until a new routes version allows the field without a mask"
		}
		h.cfg.Log.Warn(msg, "routes_version", version, "pointer", p.Pointer,
			"rule", p.Rule, "problem", p.Message)
	}
}

// warnExcludedRoutes logs each warning of policycheck.ExcludedRoutes
// about the routes of version, compiled as t.
func (h *Hub) warnExcludedRoutes(version int, t *routes.Table) {
	warnings, err := policycheck.ExcludedRoutes(t)
	if err != nil {
		h.cfg.Log.Warn("checking which routes send destinations only types their "+
			"policies reject failed", "routes_version", version, "error", err)
	}
	for _, w := range warnings {
		h.cfg.Log.Warn(w, "routes_version", version)
	}
}

func versionLabel(n int) string { return fmt.Sprintf("v%d", n) }

// applyRoutes puts a new routes version in force: it starts handlers for
// destinations the hub has no handler for yet and swaps the table, so the
// next message is routed by the new version. Messages already routed keep
// their deliveries. It returns why it could not, and the watcher, which
// logs the error, tries again at its next read.
func (h *Hub) applyRoutes(ctx context.Context, v routestore.Version, table *routes.Table) error {
	if err := checkAgencies(table, h.adapters); err != nil {
		return err
	}
	// The files live on this replica's machine, so each replica reads
	// them, and one that cannot keeps the routes in force.
	set, err := outbound.Build(table, h.reserved(), h.cfg.Log.With("routes_version", v.Number))
	if err != nil {
		return err
	}
	if err := h.startHandlers(ctx, table); err != nil {
		set.Close()
		return err
	}
	old := h.endpoints.Swap(set)
	before := h.table.Swap(table.Labeled(versionLabel(v.Number)))
	// Attempts in flight on the old transports finish. Without Close,
	// their idle connections would stay open until each server closed them.
	old.Close()
	h.cfg.Log.Info("routes version applied", "routes_version", v.Number, "by", v.By,
		"comment", v.Comment)
	h.warnURLCredentials(v.Number, table)
	h.warnPolicyEncoding(v.Number, table)
	h.warnUnreachedUnits(v.Number, table)
	h.warnExcludedRoutes(v.Number, table)
	h.logRetriesSwitch(v.Number, before, table)
	h.expediteRetriesOff(ctx, table)
	return nil
}

// syncRoutes makes the routes watcher read the store now and put a new
// version in force, for the API's save of a routes version. Until Run has
// started the watcher it returns nil at once, and the watcher's first
// read applies the save.
func (h *Hub) syncRoutes(ctx context.Context) error {
	w := h.watcher.Load()
	if w == nil {
		return nil
	}
	return w.Sync(ctx)
}

// expediteRetriesOff makes the deliveries that wait for a retry to a
// destination or on a route whose retries table switches off due now,
// so that the requeuer's next pass hands them to the worker, which
// dead-letters them without another attempt. A failure is logged: the
// deliveries are then dead-lettered when they come due.
func (h *Hub) expediteRetriesOff(ctx context.Context, table *routes.Table) {
	dests, rts := table.RetriesOffFor()
	if len(dests) == 0 && len(rts) == 0 {
		return
	}
	n, err := h.backend.store.Expedite(ctx, time.Now(), dests, rts)
	if err != nil {
		h.cfg.Log.Error("deliveries waiting for a retry stay until they are due",
			append(retriesOffAttrs(dests, rts), "error", err)...)
		return
	}
	if n > 0 {
		h.cfg.Log.Info("retries are off: deliveries waiting for one are due now, to be dead-lettered",
			append([]any{"deliveries", n}, retriesOffAttrs(dests, rts)...)...)
	}
}

// retriesOffAttrs returns the log attributes destinations and routes,
// each left out when it has no names.
func retriesOffAttrs(destinations, routes []string) []any {
	var attrs []any
	if len(destinations) > 0 {
		attrs = append(attrs, "destinations", destinations)
	}
	if len(routes) > 0 {
		attrs = append(attrs, "routes", routes)
	}
	return attrs
}

// wakeDestination makes due now the pending deliveries to destination
// that wait for a later time: those its open breaker put off, and the
// retries of attempts that failed while it was down. The breaker calls it
// when it closes, so they go at the requeuer's next pass.
func (h *Hub) wakeDestination(destination string) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := h.backend.store.Wake(ctx, time.Now(), destination)
	if err != nil {
		h.cfg.Log.Error("deliveries put off while the breaker was open stay until they are due",
			"destination", destination, "error", err)
		return
	}
	if n > 0 {
		h.cfg.Log.Info("breaker closed: deliveries put off while it was open are due now",
			"destination", destination, "deliveries", n)
	}
}

// checkAgencies returns an error for each agency of t that has no
// adapter in set.
func checkAgencies(t *routes.Table, set *registry.Set) error {
	return t.Config().CheckAgencies(set.Agencies())
}

// readTimeout bounds the reading of one request to the API, headers and
// body.
const readTimeout = time.Minute

func (h *Hub) build(ctx context.Context, set *registry.Set) error {
	log := h.cfg.Log
	reports := &courtfiling.FinalReports{Journal: h.backend.store}
	movements := &movementclaim.Movements{Journal: h.backend.store}
	// The claims of movements precede those of orders, so that a
	// movement reported twice gets rule movement-exists.
	orderReplies := &orderreply.Orders{Journal: h.backend.store}
	callbacks := &courtfiling.Callbacks{Journal: h.backend.store,
		Agencies: newRouteDestinations(h.backend.routes).Agency}
	svc := &ingest.Service{
		Adapters: set, Store: h.backend.store, Routes: h.table.Load,
		Log: log, Zone: h.cfg.TimeZone,
		Admission: ingest.NewAdmission(0, 0),
		Enrichers: []ingest.Enricher{callbacks, reports, orderReplies},
		Claimers: []ingest.Claimer{reports, &firclaim.FIRs{Journal: h.backend.store},
			&arrestclaim.Arrests{Journal: h.backend.store}, movements, orderReplies,
			&orderclaim.Orders{Journal: h.backend.store}},
		Guards: []ingest.Guard{callbacks},
	}
	breaker := h.cfg.Breaker
	breaker.OnClose = h.wakeDestination
	h.breakers = delivery.NewBreakers(breaker, log)
	if err := h.buildMetrics(); err != nil {
		return err
	}
	h.drain, h.stopDrain = context.WithCancel(context.Background())
	worker := &delivery.Worker{
		Drain: h.drain,
		Store: h.backend.store, Routes: h.table.Load, Adapters: set,
		Breakers: h.breakers, Client: &http.Client{}, Endpoints: h.endpoints.Load, Log: log,
		RetryInterval: h.cfg.RetryInterval, MaxRetryInterval: h.cfg.MaxRetryInterval,
		Observe: h.metrics.ObserveAttempt,
	}
	h.requeuer = &delivery.Requeuer{
		Store: h.backend.store, Log: log, Outgoing: delivery.NewOutgoing(h.shards),
		Interval: h.cfg.RequeueInterval, StaleAfter: h.cfg.StaleAfter, Outbox: h.outboxWaiting(),
	}
	if err := h.buildRouter(ctx, worker); err != nil {
		return err
	}
	v, err := openVerification(ctx, h, h.cfg.Verification)
	if err != nil {
		return fmt.Errorf("opening passport verification: %w", err)
	}
	if err := v.install(svc); err != nil {
		v.close()
		return err
	}
	svc.Enrichers = append(svc.Enrichers, jurisdiction.HomeStation{Table: v.jurisdiction})
	// A second report of a movement gets movement-exists before the
	// custody rules read it as another movement.
	svc.Guards = append(svc.Guards, movements, &custody.History{Journal: h.backend.store})
	h.verification = v
	apiServer := &api.Server{
		Ingest: svc, Store: h.backend.store, Routes: h.table.Load,
		Breakers: h.breakers, Log: log, Tokens: h.cfg.Tokens,
		Versions: h.backend.routes, Adapters: set, Metrics: h.metrics,
		Reserved: h.reserved(), InboundBudget: h.cfg.InboundBudget,
		ReadTimeout: readTimeout, RoutesWarnings: h.routesWarnings,
		VerificationStatus: v.status, VerificationRequests: v.tracker,
		ApplyRoutes: h.syncRoutes,
	}
	h.api = apiServer
	h.server = newHTTPServer(apiServer.Handler(), readTimeout, log)
	return nil
}

// newHTTPServer returns the API's http.Server with handler. A client
// that sends its body too slowly is cut off after read, so it cannot
// hold a connection, and one whose body makes no progress for
// api.DefaultBodyStall is cut off sooner. The write deadline, which also
// counts from the headers, is 30 s later than read, so a request cut off
// at read still gets its problem.
func newHTTPServer(handler http.Handler, read time.Duration, log *slog.Logger) *http.Server {
	return &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       read,
		WriteTimeout:      read + 30*time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// outboxWaiting returns what reports the commands waiting in the Kafka
// outbox, or nil when the bus has no outbox.
func (h *Hub) outboxWaiting() func(ctx context.Context) (bus.Waiting, error) {
	if h.backend.outbox == nil {
		return nil
	}
	return func(ctx context.Context) (bus.Waiting, error) {
		return h.backend.waiting(ctx, outboxTopic)
	}
}

// buildMetrics creates the metrics that GET /metrics serves.
func (h *Hub) buildMetrics() error {
	j, ok := h.backend.store.(metrics.Journal)
	if !ok {
		return fmt.Errorf("the journal store %T cannot report its backlog for metrics",
			h.backend.store)
	}
	m, err := metrics.New(metrics.Config{
		Journal: j, Outbox: h.outboxWaiting(), Breakers: h.breakers, Destinations: h.destinationNames,
		CacheFor: h.cfg.MetricsCacheFor, Log: h.cfg.Log,
	})
	if err != nil {
		return err
	}
	if counts := h.backend.outbox; counts != nil {
		err := errors.Join(
			m.Registerer().Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "sangam_outbox_published_total",
				Help: "Delivery commands the outbox forwarder published to Kafka.",
			}, func() float64 { return float64(counts.published.Load()) })),
			m.Registerer().Register(prometheus.NewCounterFunc(prometheus.CounterOpts{
				Name: "sangam_outbox_publish_failures_total",
				Help: "Failed publishes of the outbox forwarder to Kafka; it tries each again.",
			}, func() float64 { return float64(counts.failed.Load()) })),
			m.Registerer().Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "sangam_outbox_forwarder_paused",
				Help: "1 while this replica's outbox forwarder leaves the outbox to the other " +
					"replicas because its last publish to Kafka failed, 0 while it forwards.",
			}, func() float64 {
				if counts.paused.Load() {
					return 1
				}
				return 0
			})),
			m.Registerer().Register(h.backend.kafkaMembers),
			m.Registerer().Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
				Name: "sangam_kafka_topics_unstarted",
				Help: "Delivery topics that have no handler on this replica because no Kafka broker " +
					"answered when they were to start; the hub tries again every topic check.",
			}, h.unstartedTopics)),
		)
		if err != nil {
			return fmt.Errorf("registering outbox metrics: %w", err)
		}
	}
	h.metrics = m
	return nil
}

// destinationNames returns the names of the destinations in force.
func (h *Hub) destinationNames() []string {
	var names []string
	for _, d := range h.table.Load().Config().Destinations {
		names = append(names, d.Name)
	}
	return names
}

// buildRouter creates the router with the delivery handlers of every
// destination in force.
func (h *Hub) buildRouter(ctx context.Context, worker *delivery.Worker) error {
	router, err := message.NewRouter(message.RouterConfig{CloseTimeout: h.cfg.ShutdownTimeout},
		h.busLog)
	if err != nil {
		return fmt.Errorf("creating router: %w", err)
	}
	// Before Recoverer, so that a recovered panic counts as a failed
	// handling.
	h.metrics.AddRouterMetrics(router)
	router.AddMiddleware(middleware.Recoverer)
	h.router, h.worker = router, worker
	return h.addHandlers(ctx, h.table.Load())
}

// addHandlers adds handlers for the destination topics of t that have
// none. Each destination has its own topics, so one agency's backlog never
// holds up another's. A topic hands out one command at a time, so a
// destination has one topic, a shard, per unit of its concurrency, and a
// case always maps to one shard. Handlers of a removed destination keep
// running; its pending deliveries are dead-lettered when they are tried.
//
// While no Kafka broker responds, the topics wait in unstarted and
// startUnstarted adds them later. The hub takes messages meanwhile, and
// their commands wait in the outbox.
func (h *Hub) addHandlers(ctx context.Context, t *routes.Table) error {
	h.handlersMu.Lock()
	defer h.handlersMu.Unlock()
	for _, dest := range t.Config().Destinations {
		for shard := range dest.Concurrency {
			topic := delivery.Topic(dest.Name, shard)
			if !h.running[topic] {
				// An attempt never waits between retries, so a command
				// is acknowledged within one attempt's timeout.
				h.unstarted[topic] = time.Duration(dest.Timeout) + 30*time.Second
			}
		}
	}
	return h.addUnstarted(ctx)
}

// addUnstarted adds a handler for each topic of h.unstarted. When no
// Kafka broker responds, it logs that through h.kafkaDown and returns
// nil, leaving the rest unstarted. h.handlersMu must be held.
func (h *Hub) addUnstarted(ctx context.Context) error {
	for _, topic := range slices.Sorted(maps.Keys(h.unstarted)) {
		err := h.backend.initTopic(ctx, topic)
		if errors.Is(err, kafkabus.ErrUnreachable) {
			h.unstartedCount.Store(int64(len(h.unstarted)))
			h.kafkaDown.Failed(err, "topics_waiting", len(h.unstarted))
			return nil
		}
		if err != nil {
			return err
		}
		sub, err := h.backend.subscriber(topic, h.unstarted[topic])
		if err != nil {
			return err
		}
		h.router.AddNoPublisherHandler("deliver-"+topic, topic, sub, h.worker.Handle)
		h.running[topic] = true
		delete(h.unstarted, topic)
	}
	h.unstartedCount.Store(0)
	h.kafkaDown.Succeeded()
	return nil
}

// startUnstarted adds and starts, every interval until ctx ends, the
// handlers of topics that waited for Kafka to respond.
func (h *Hub) startUnstarted(ctx context.Context, interval time.Duration) {
	select {
	case <-h.router.Running():
	case <-ctx.Done():
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		if err := h.startWaiting(ctx); err != nil && ctx.Err() == nil {
			h.cfg.Log.Error("starting the delivery topics that waited for Kafka failed; "+
				"the next try is in "+interval.String(), "error", err)
		}
	}
}

// startWaiting adds the handlers of the unstarted topics, if any, and
// starts those the router does not run yet.
func (h *Hub) startWaiting(ctx context.Context) error {
	h.handlersMu.Lock()
	if len(h.unstarted) == 0 {
		h.handlersMu.Unlock()
		return nil
	}
	err := h.addUnstarted(ctx)
	h.handlersMu.Unlock()
	if err != nil {
		return err
	}
	return h.router.RunHandlers(ctx)
}

// unstartedTopics returns how many delivery topics wait for Kafka. It
// does not wait for handlersMu, which a try to reach Kafka holds.
func (h *Hub) unstartedTopics() float64 {
	return float64(h.unstartedCount.Load())
}

// runningTopics returns the delivery topics that handlers consume.
func (h *Hub) runningTopics() []string {
	h.handlersMu.Lock()
	defer h.handlersMu.Unlock()
	return slices.Sorted(maps.Keys(h.running))
}

// shards returns a destination's shard count in the routes in force: its
// concurrency, or 1 for a destination no longer configured.
func (h *Hub) shards(destination string) int {
	if d, ok := h.table.Load().Destination(destination); ok {
		return d.Concurrency
	}
	return 1
}

// startHandlers adds and starts handlers for destinations of t that a
// running router does not serve yet.
func (h *Hub) startHandlers(ctx context.Context, t *routes.Table) error {
	if err := h.addHandlers(ctx, t); err != nil {
		return err
	}
	return h.router.RunHandlers(ctx)
}

// Addr returns the API's bound address, useful when Listen ends in ":0".
func (h *Hub) Addr() string { return h.listener.Addr().String() }

// Routes returns the routes table in force.
func (h *Hub) Routes() *routes.Table { return h.table.Load() }

// Run serves the API and runs the delivery handlers until ctx ends or
// either fails, then shuts both down within Config.ShutdownTimeout and
// closes the journal and bus. A delivery cut off by the shutdown is not
// recorded as failed; the bus hands it out again after restart.
func (h *Hub) Run(ctx context.Context) error {
	log := h.cfg.Log
	// Counted before the API and the handlers start, so that the count
	// holds none of this run's own deliveries.
	resumed := h.countPending(ctx)
	errc := make(chan error, 2)
	go func() {
		if err := h.router.Run(context.WithoutCancel(ctx)); err != nil {
			errc <- fmt.Errorf("delivery router: %w", err)
		}
	}()
	go func() {
		if err := h.server.Serve(h.listener); !errors.Is(err, http.ErrServerClosed) {
			errc <- fmt.Errorf("API server: %w", err)
		}
	}()
	requeueCtx, stopRequeue := context.WithCancel(context.WithoutCancel(ctx))
	requeueDone := make(chan struct{})
	go func() {
		defer close(requeueDone)
		h.requeuer.Run(requeueCtx)
	}()
	watcher, err := routestore.NewWatcher(routestore.WatcherConfig{
		Store: h.backend.routes, Applied: h.applied, Interval: h.cfg.RoutesInterval,
		Logger:   log,
		OnChange: h.applyRoutes,
	})
	if err != nil {
		stopRequeue()
		return err
	}
	h.watcher.Store(watcher)
	if h.backend.start != nil {
		go h.backend.start(requeueCtx)
	}
	if h.backend.keepTopics != nil {
		go h.backend.keepTopics(requeueCtx, h.runningTopics)
		go h.startUnstarted(requeueCtx, h.cfg.KafkaTopicCheck)
	}
	trackDone := make(chan struct{})
	go func() {
		defer close(trackDone)
		h.verification.run(requeueCtx)
	}()
	// Retries may have been switched off while no replica ran.
	h.expediteRetriesOff(requeueCtx, h.Routes())
	watchDone := make(chan struct{})
	go func() {
		defer close(watchDone)
		watcher.Run(requeueCtx)
	}()
	flushDone := make(chan struct{})
	go func() {
		defer close(flushDone)
		h.api.RunDeniedFlush(requeueCtx)
	}()
	busFlushDone := make(chan struct{})
	go func() {
		defer close(busFlushDone)
		ticker := time.NewTicker(busErrorInterval)
		defer ticker.Stop()
		h.busLog.runFlush(requeueCtx, ticker.C)
	}()
	log.Info("hub started", "listen", h.Addr(), "store", h.backend.name,
		"routes_version", h.Routes().Version())
	h.logResumed(resumed)
	if h.cfg.Tokens == nil {
		log.Warn("API authentication is off: anyone who can reach " + h.Addr() +
			" may post as any agency, read message journeys and dead letters, change routes " +
			"and replay deliveries; give serve a token file with --tokens")
	}

	var runErr error
	select {
	case <-ctx.Done():
	case runErr = <-errc:
	}
	log.Info("hub stopping")
	h.stopping.Store(true)
	stopRequeue()
	<-requeueDone
	<-watchDone
	<-trackDone
	<-flushDone
	<-busFlushDone
	shutdownCtx, cancel := context.WithTimeout(context.Background(), h.cfg.ShutdownTimeout)
	defer cancel()
	serverErr := h.server.Shutdown(shutdownCtx)
	// A router closed before its handlers started waits for them until
	// its close timeout, so a stop right after the start lets it start.
	if runErr == nil {
		select {
		case <-h.router.Running():
		case runErr = <-errc:
		case <-shutdownCtx.Done():
		}
	}
	// Close waits up to ShutdownTimeout for the attempts in flight, which
	// run on h.drain. Their subscribers hand out no further command and
	// keep the commands in flight from the other replicas until the
	// attempts are recorded (subscriberConfig). Attempts still running
	// after that are cancelled and sent again by another replica or
	// after the restart, as designed, so the stop succeeds.
	if err := h.router.Close(); err != nil {
		log.Warn("the delivery handlers did not all stop within the shutdown timeout: attempts "+
			"still in flight were cut off, and another replica or the next start sends them "+
			"again with the same Idempotency-Key; with Kafka, a subscription that could not "+
			"leave its group also holds up the stop", "shutdown_timeout", h.cfg.ShutdownTimeout,
			"error", err)
	}
	h.stopDrain()
	h.breakers.Stop()
	h.endpoints.Load().Close()
	left := h.countPending(context.Background())
	err = errors.Join(runErr, serverErr,
		h.verification.close(),
		h.backend.close(),
	)
	// The bus's last errors may have come less than busErrorInterval ago.
	h.busLog.flushAll()
	log.Info("hub stopped", left.stoppedAttrs()...)
	return err
}
