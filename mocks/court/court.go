// Package court is a mock e-Courts system. It accepts chargesheets filed
// as ECF 4.0 CoreFilingMessages, assigns each new filing a CNR, and then
// posts an ECF RecordDocketingCallbackMessage with the CNR to the hub,
// retrying until the hub accepts it or rejects it for good.
//
// Routes:
//
//	POST /ecf            file a chargesheet (Idempotency-Key header required)
//	GET  /received       the filings received, as the inbox lists them
//	GET  /registrations  the CNRs assigned, with their filing ids
//
// A new filing gets 200 and a JSON Receipt. A repeated Idempotency-Key
// gets the first response again, and a filing id already registered gets
// its registration again: neither assigns a CNR or sends a callback. An
// invalid filing gets 400 with RFC 9457 problem details.
package court

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/sangam-hub/sangam/adapters/courts"
	"github.com/sangam-hub/sangam/mocks/inbox"
)

// CallbackPath is the hub endpoint, under Config.HubURL, that receives
// callbacks.
const CallbackPath = "/api/v1/inbound/courts"

// Defaults for the zero fields of Config.
const (
	DefaultNextHearingDays = 30
	DefaultMaxAttempts     = 8
	DefaultRetryBase       = 200 * time.Millisecond
	DefaultRetryMax        = 10 * time.Second
	DefaultRequestTimeout  = 10 * time.Second
)

// Config configures a mock court. Only HubURL is required.
type Config struct {
	// HubURL is the hub's base URL, such as "http://127.0.0.1:8080".
	// Callbacks go to HubURL + CallbackPath.
	HubURL string
	// NextHearingDays is the number of days from filing to the first
	// hearing. Default DefaultNextHearingDays.
	NextHearingDays int
	// Now returns the current time; tests set a fixed clock. Default
	// time.Now.
	Now func() time.Time
	// Client posts callbacks. Default an http.Client with a
	// DefaultRequestTimeout timeout.
	Client *http.Client
	// MaxAttempts bounds the posts of one callback. Default
	// DefaultMaxAttempts.
	MaxAttempts int
	// RetryBase is the wait before the second post of a callback. Each
	// later wait doubles, up to RetryMax. Defaults DefaultRetryBase and
	// DefaultRetryMax.
	RetryBase time.Duration
	RetryMax  time.Duration
	// Token is the bearer token the court sends with its callbacks, for a
	// hub that requires one. Default none.
	Token string
	// Logger receives the mock's log. Default slog.Default().
	Logger *slog.Logger
	// SerialFile is a JSON file that keeps the last CNR serial of each
	// establishment and year, and the number of supplementary callbacks
	// of each case, so that a court started again on the same file
	// assigns no CNR or callback id twice, as a real court never does.
	// New reads it when it exists, and each new filing rewrites it.
	// Default none: serials start at 1 each time.
	SerialFile string
}

// Validate reports a missing or invalid HubURL and negative settings.
func (c Config) Validate() error {
	u, err := url.Parse(c.HubURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("invalid HubURL %q: want an absolute http or https URL", c.HubURL)
	}
	if c.NextHearingDays < 0 || c.MaxAttempts < 0 || c.RetryBase < 0 || c.RetryMax < 0 {
		return errors.New("invalid court config: NextHearingDays, MaxAttempts, " +
			"RetryBase and RetryMax must not be negative")
	}
	return nil
}

func (c Config) withDefaults() Config {
	if c.NextHearingDays == 0 {
		c.NextHearingDays = DefaultNextHearingDays
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Client == nil {
		c.Client = &http.Client{Timeout: DefaultRequestTimeout}
	}
	if c.MaxAttempts == 0 {
		c.MaxAttempts = DefaultMaxAttempts
	}
	if c.RetryBase == 0 {
		c.RetryBase = DefaultRetryBase
	}
	if c.RetryMax == 0 {
		c.RetryMax = DefaultRetryMax
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	return c
}

// Registration is a CNR the mock court assigned to a filing.
type Registration struct {
	CNR          string `json:"cnr"`
	FilingID     string `json:"filing_id"`
	FilingNumber string `json:"filing_number"`
	CourtCode    string `json:"court_code"`
	CaseKey      string `json:"case_key"`
	FiledOn      string `json:"filed_on"`
	NextHearing  string `json:"next_hearing"`
	// Reason is the status text of the callback: a new case, or a
	// supplementary report filed in an existing one.
	Reason string `json:"reason"`
	// CallbackID is the DocumentIdentification of the callback, also sent
	// as its Idempotency-Key.
	CallbackID string `json:"callback_id"`
	// Callback is one of the Callback constants.
	Callback string `json:"callback"`
	// Attempts counts the posts of the callback so far.
	Attempts int `json:"attempts"`
}

// Callback states.
const (
	CallbackPending   = "pending"
	CallbackDelivered = "delivered"
	CallbackRejected  = "rejected"  // the hub responded with 4xx, not a retryable 409
	CallbackAbandoned = "abandoned" // attempts ran out or the server closed
)

// Receipt is the JSON body of a 200 response to POST /ecf.
type Receipt struct {
	FilingID     string `json:"filing_id"`
	CNR          string `json:"cnr"`
	FilingNumber string `json:"filing_number"`
	NextHearing  string `json:"next_hearing"`
}

// Server is the mock court, an http.Handler. It is safe for concurrent
// use. Close stops its pending callbacks.
type Server struct {
	cfg     Config
	log     *slog.Logger
	adapter courts.Adapter
	inbox   *inbox.Inbox
	mux     *http.ServeMux

	// filing serialises POST /ecf, so a repeated key or filing id always
	// finds the first request's response recorded.
	filing sync.Mutex

	mu            sync.Mutex               // guards the fields below
	responses     map[string]response      // by Idempotency-Key
	byFiling      map[string]*Registration // by filing id
	serials       map[string]int           // last serial by establishment and year, callbacks by CNR
	registrations []*Registration
	failCount     int
	failStatus    int
	rejectMatch   func(body []byte) bool // set by RejectWhen
	rejectStatus  int
	closed        bool // set by Close; no callback starts after it

	ctx    context.Context // cancelled by Close
	cancel context.CancelFunc
	wg     sync.WaitGroup // counts callback goroutines
}

// response is a recorded response to POST /ecf.
type response struct {
	status int
	body   []byte
	header string // Content-Type
}

// New returns a mock court for cfg.
func New(cfg Config) (*Server, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		cfg: cfg, log: cfg.Logger.With("agency", "courts"),
		inbox:     inbox.New("court", cfg.Logger),
		responses: map[string]response{},
		byFiling:  map[string]*Registration{},
		serials:   map[string]int{},
		ctx:       ctx, cancel: cancel,
	}
	if err := s.loadSerials(); err != nil {
		cancel()
		return nil, err
	}
	s.mux = http.NewServeMux()
	s.mux.HandleFunc("POST /ecf", s.file)
	s.mux.Handle("GET /received", s.inbox)
	s.mux.HandleFunc("GET /registrations", s.listRegistrations)
	return s, nil
}

// ServeHTTP serves the mock's routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// FailNext makes the next n POST /ecf requests fail with status, before
// they are read or recorded, so tests can exercise the hub's retries.
func (s *Server) FailNext(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failCount, s.failStatus = n, status
}

// RejectWhen makes every later filing whose body match reports true fail
// with status, before it is recorded, as a court does with a filing it
// can never accept. A nil match turns rejection off.
func (s *Server) RejectWhen(match func(body []byte) bool, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rejectMatch, s.rejectStatus = match, status
}

// rejection returns the status to reject body with, or 0.
func (s *Server) rejection(body []byte) int {
	s.mu.Lock()
	match, status := s.rejectMatch, s.rejectStatus
	s.mu.Unlock()
	if match != nil && match(body) {
		return status
	}
	return 0
}

// Registrations returns a copy of the registrations, oldest first.
func (s *Server) Registrations() []Registration {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Registration, len(s.registrations))
	for i, r := range s.registrations {
		out[i] = *r
	}
	return out
}

// Received returns the distinct filings received, oldest first.
func (s *Server) Received() []inbox.Item { return s.inbox.Items() }

// Close stops retrying callbacks and waits for their goroutines to end.
// Requests served after Close send no callback.
func (s *Server) Close() {
	s.mu.Lock()
	s.closed = true
	s.mu.Unlock()
	s.cancel()
	s.wg.Wait()
}

func (s *Server) listRegistrations(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(s.Registrations())
}

// takeFailure reports the status to fail a request with, or 0.
func (s *Server) takeFailure() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failCount == 0 {
		return 0
	}
	s.failCount--
	return s.failStatus
}

// ist is Indian Standard Time, in which the court dates its records.
var ist = time.FixedZone("IST", 5*3600+1800)
