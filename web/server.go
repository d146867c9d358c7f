// Package web is meshwise's HTTP face: a chi router serving templ pages and a
// JSON API over the model. It declares the storage interfaces it consumes;
// cmd/meshwise wires in the store that implements them.
package web

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/go-chi/chi/v5"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"meshwise/ledger"
	"meshwise/model"
	"meshwise/static"
)

// Store is what the web layer needs from storage. Errors are *model.Error;
// EUNAVAILABLE means the database cannot be reached right now.
type Store interface {
	// SchemaStatus returns the applied and the latest known schema versions.
	SchemaStatus(ctx context.Context) (current, latest int64, err error)
	// RecentAssessments lists up to limit assessments, newest change first.
	RecentAssessments(ctx context.Context, limit int) ([]model.AssessmentSummary, error)
	// CreateAssessment saves a new draft at version 1.
	CreateAssessment(ctx context.Context, a model.Assessment) (model.SavedAssessment, error)
	// GetAssessment returns a draft, or ENOTFOUND.
	GetAssessment(ctx context.Context, id string) (model.SavedAssessment, error)
	// UpdateAssessment saves a draft still at version, else ECONFLICT; step
	// only moves forward.
	UpdateAssessment(ctx context.Context, id string, version int, a model.Assessment, step int) (model.SavedAssessment, error)

	// CreateUser adds a person; ECONFLICT if the email is taken.
	CreateUser(ctx context.Context, email, name string, role model.Role, passwordHash string) (model.User, error)
	// UserByEmail returns a user and their password hash, or ENOTFOUND.
	UserByEmail(ctx context.Context, email string) (model.User, string, error)
	// UserByID returns a user, or ENOTFOUND.
	UserByID(ctx context.Context, id string) (model.User, error)
	// ListUsers returns every user.
	ListUsers(ctx context.Context) ([]model.User, error)
	// SetRole changes a user's role.
	SetRole(ctx context.Context, id string, role model.Role) error
	// SetPassword replaces a user's password hash and moves their session
	// epoch on, returning the new epoch: sessions of older epochs are over.
	SetPassword(ctx context.Context, id, hash string) (epoch int, err error)
	// ReserveLoginAttempt and ClearLoginFailures rate-limit sign-in: an
	// attempt is counted as a failure, atomically with the limits, before
	// its password is checked; a good sign-in clears the account's count.
	ReserveLoginAttempt(ctx context.Context, email, address string, since time.Time, maxAccount, maxAddress int) (bool, error)
	ClearLoginFailures(ctx context.Context, email string) error
	// CreateToken stores a token's hash; UseToken finds a live one (ENOTFOUND
	// otherwise); ListTokens and RevokeToken manage a user's own.
	CreateToken(ctx context.Context, userID, name string, role model.Role, prefix string, hash []byte) (model.APIToken, error)
	UseToken(ctx context.Context, hash []byte) (model.APIToken, model.User, error)
	ListTokens(ctx context.Context, userID string) ([]model.APIToken, error)
	RevokeToken(ctx context.Context, userID, tokenID string) error
	// Audit writes an identity event; AuditEvents lists the newest first.
	Audit(ctx context.Context, e model.AuditEvent) error
	AuditEvents(ctx context.Context, limit int) ([]model.AuditEvent, error)

	// Propose signs a "proposed" entry for a new record and returns its ID.
	Propose(ctx context.Context, actor model.Principal, rec model.DecisionRecord) (string, error)
	// Decide signs an approval or rejection, checking the record's state in
	// the append's transaction (ECONFLICT when another decision won).
	Decide(ctx context.Context, recordID, event string, actor model.Principal, note string) (model.RecordState, error)
	// RecordCheck signs a drift check's findings into a record's history.
	RecordCheck(ctx context.Context, recordID string, actor model.Principal, rep model.DriftReport) (model.LogEntry, error)
	// Records lists every record as its signed entries tell it; Record
	// returns one, with its estimate and the check of its entries.
	Records(ctx context.Context) ([]model.RecordState, model.Integrity, error)
	QueryRecords(ctx context.Context, q model.ArchiveQuery, today time.Time) (model.ArchivePage, model.Integrity, error)
	Record(ctx context.Context, id string) (model.RecordState, ledger.Report, error)
	// VerifyLog checks the whole log; ExportBundle streams it for offline
	// verification; Keys lists every public key; SigningKeyID names the
	// key appends are signed with.
	VerifyLog(ctx context.Context) (ledger.Report, error)
	ExportBundle(ctx context.Context, w io.Writer) error
	Keys(ctx context.Context) ([]ledger.PublicKey, error)
	SigningKeyID() string
	// Portfolio lists approved and proposed records with their signed costs.
	Portfolio(ctx context.Context, q model.ArchiveQuery, today time.Time) ([]model.PortfolioRow, model.Integrity, error)
	// CurrentPrices and SetPrices keep the organisation's price book.
	CurrentPrices(ctx context.Context) (model.PriceBook, bool, error)
	SetPrices(ctx context.Context, p model.Pricing, by string) error
	// LogStats counts appended entries and the distinct integrity failures
	// this process has seen.
	LogStats() (appended, integrityFailures int64)
	// CredentialCacheStats counts the in-process credential cache's hits,
	// misses and invalidations (all zero when it is off).
	CredentialCacheStats() (hits, misses, invalidations int64)
}

// Config holds the web layer's settings.
type Config struct {
	RequestTimeout time.Duration       // deadline of each request's context
	MaxBodyBytes   int64               // request bodies larger than this are refused
	Version        string              // build version shown in the footer
	Sessions       *scs.SessionManager // sessions kept in PostgreSQL
	TrustedProxies []netip.Prefix      // addresses whose ProxyHeader signs people in
	ProxyHeader    string              // e.g. X-Forwarded-Email (oauth2-proxy)
	ImportMaxBytes int64               // largest kubectl upload on /import (default 64 MiB)
}

// Server holds the dependencies of every handler.
type Server struct {
	store    Store
	log      *slog.Logger
	cfg      Config
	sessions *scs.SessionManager
	assets   *static.Assets
	metrics  *metrics
	reg      *prometheus.Registry
	// heavySlots bounds whole-log reads (verify, export) running at once.
	heavySlots chan struct{}
	// hashSlots bounds password checks (argon2id) running at once.
	hashSlots chan struct{}
}

// New builds a Server. It fails only if the embedded assets cannot be read.
func New(store Store, log *slog.Logger, cfg Config) (*Server, error) {
	assets, err := static.Load()
	if err != nil {
		return nil, err
	}
	if cfg.RequestTimeout <= 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.ImportMaxBytes <= 0 {
		cfg.ImportMaxBytes = 64 << 20
	}
	if cfg.ProxyHeader == "" {
		cfg.ProxyHeader = "X-Forwarded-Email"
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "meshwise_log_appended_entries_total", Help: "Decision-log entries this process signed and stored."},
			func() float64 { n, _ := store.LogStats(); return float64(n) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "meshwise_log_integrity_failures_total", Help: "Distinct decision-log integrity failures this process has seen (any value above 0 needs a person)."},
			func() float64 { _, n := store.LogStats(); return float64(n) }))
	registerCredentialCache(reg, store)
	s := &Server{store: store, log: log, cfg: cfg, sessions: cfg.Sessions, assets: assets, metrics: newMetrics(reg), reg: reg, heavySlots: make(chan struct{}, 2), hashSlots: make(chan struct{}, max(2, runtime.NumCPU()))}
	if s.sessions != nil {
		s.sessions.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
			s.fail(w, r, &model.Error{Code: model.EUNAVAILABLE, Message: "The session store is unavailable.", Err: err})
		}
	}
	return s, nil
}

// Route is one entry of the route table: who may call it and what answers.
// Role "" means anyone; Session false skips the session lookup (for probes
// and assets, which must answer without the database). Person routes manage
// credentials and refuse API tokens: a token cannot mint, revoke or change
// credentials, so a leaked one cannot outlive its revocation.
type Route struct {
	Method  string
	Pattern string
	Role    model.Role
	Session bool
	Person  bool
	private bool // shows secrets once: Cache-Control: no-store
	streams bool // reads its own multipart body as it arrives
	handler http.HandlerFunc
}

// RouteTable is every route of meshwise with the lowest role allowed. It is
// the one place routes are listed; Routes registers exactly these.
func (s *Server) RouteTable() []Route {
	const anyone = model.Role("")
	v, a, ap, ad := model.RoleViewer, model.RoleArchitect, model.RoleApprover, model.RoleAdmin
	infra := func(method, pattern string, h http.HandlerFunc) Route {
		return Route{Method: method, Pattern: pattern, Role: anyone, handler: h}
	}
	app := func(method, pattern string, role model.Role, h http.HandlerFunc) Route {
		return Route{Method: method, Pattern: pattern, Role: role, Session: true, handler: h}
	}
	// private marks pages that may show a password or token once.
	private := func(rt Route) Route { rt.private = true; return rt }
	person := func(method, pattern string, h http.HandlerFunc) Route {
		rt := private(app(method, pattern, v, h))
		rt.Person = true
		return rt
	}
	upload := func(rt Route) Route { rt.streams = true; return rt }
	// adminPerson is an admin route that makes or empowers credentials:
	// only a signed-in person may use it, never a token (a leaked admin
	// token must not mint its own successor).
	adminPerson := func(method, pattern string, h http.HandlerFunc) Route {
		rt := private(app(method, pattern, ad, h))
		rt.Person = true
		return rt
	}
	return []Route{
		infra("GET", "/healthz", s.healthz),
		infra("GET", "/readyz", s.readyz),
		infra("GET", "/metrics", promhttp.HandlerFor(s.reg, promhttp.HandlerOpts{}).ServeHTTP),
		infra("GET", static.Prefix+"*", s.assets.ServeHTTP),
		infra("GET", "/favicon.ico", s.favicon),
		infra("GET", "/api/v1/openapi.json", s.apiOpenAPI),
		infra("GET", "/api/v1/catalog", s.apiCatalog),
		app("GET", "/api/v1/keys", anyone, s.apiKeys),

		app("GET", "/", anyone, s.home),
		app("GET", "/assumptions", anyone, s.assumptions),
		app("GET", "/login", anyone, s.loginPage),
		app("POST", "/login", anyone, s.login),
		app("POST", "/logout", anyone, s.logout),

		app("GET", "/assessments/new", a, s.startPage),
		app("POST", "/assessments", a, s.createAssessment),
		app("GET", "/assessments/{id}", v, s.openAssessment),
		app("GET", "/assessments/{id}/steps/{step}", a, s.showStep),
		app("POST", "/assessments/{id}/steps/{step}", a, s.saveStep),
		app("GET", "/assessments/{id}/results", v, s.results),
		app("GET", "/assessments/{id}/comparison.csv", v, s.comparisonCSV),
		app("GET", "/assessments/{id}/estimate.json", v, s.estimateJSON),

		app("GET", "/import", a, s.importPage),
		upload(app("POST", "/import", a, s.importFiles)),
		app("POST", "/import/start", a, s.startImported),
		app("GET", "/assessments/{id}/propose", a, s.proposeForm),
		app("POST", "/assessments/{id}/propose", a, s.propose),
		app("GET", "/archive", v, s.archive),
		app("GET", "/portfolio", v, s.portfolioPage),
		app("GET", "/portfolio.csv", v, s.portfolioCSV),
		app("GET", "/archive/verify", v, s.verifyPage),
		app("GET", "/archive/{rid}", v, s.record),
		app("GET", "/archive/{rid}/record.md", v, s.recordMADR),
		app("POST", "/archive/{rid}/approve", ap, s.approve),
		app("POST", "/archive/{rid}/reject", ap, s.reject),

		private(app("GET", "/account", v, s.account)),
		person("POST", "/account/password", s.changePassword),
		person("POST", "/account/tokens", s.createToken),
		person("POST", "/account/tokens/{id}/revoke", s.revokeToken),
		private(app("GET", "/admin/users", ad, s.users)),
		adminPerson("POST", "/admin/users", s.addUser),
		adminPerson("POST", "/admin/users/{id}/role", s.setRole),
		private(app("GET", "/admin/audit", ad, s.auditTrail)),
		private(app("GET", "/admin/prices", ad, s.pricesPage)),
		adminPerson("POST", "/admin/prices", s.setPrices),

		app("GET", "/api/v1/assessments", v, s.apiListAssessments),
		app("POST", "/api/v1/assessments", a, s.apiCreateAssessment),
		app("GET", "/api/v1/assessments/{id}", v, s.apiGetAssessment),
		app("GET", "/api/v1/records", v, s.apiListRecords),
		app("GET", "/api/v1/portfolio", v, s.apiPortfolio),
		app("POST", "/api/v1/records", a, s.apiProposeRecord),
		app("GET", "/api/v1/records/{rid}", v, s.apiGetRecord),
		app("POST", "/api/v1/records/{rid}/approve", ap, s.apiApprove),
		app("POST", "/api/v1/records/{rid}/reject", ap, s.apiReject),
		upload(app("POST", "/api/v1/records/{rid}/check", a, s.apiCheckRecord)),
		app("POST", "/api/v1/estimates", v, s.apiEstimate),
		app("POST", "/api/v1/curves", v, s.apiCurves),
		app("GET", "/api/v1/verify", v, s.apiVerify),
		app("GET", "/api/v1/export", v, s.apiExport),
	}
}

// Handler returns every route of meshwise behind cross-origin protection.
func (s *Server) Handler() http.Handler { return s.crossOrigin(s.Routes()) }

// Routes returns the router built from RouteTable.
func (s *Server) Routes() chi.Router {
	r := chi.NewRouter()
	r.Use(s.recoverer, s.observe, s.securityHeaders, s.limits)
	table := s.RouteTable()
	for _, rt := range table {
		if !rt.Session {
			r.Method(rt.Method, rt.Pattern, rt.handler)
		}
	}
	r.Group(func(r chi.Router) {
		if s.sessions != nil {
			r.Use(s.sessions.LoadAndSave)
		}
		r.Use(s.authenticate)
		for _, rt := range table {
			if !rt.Session {
				continue
			}
			chain := []func(http.Handler) http.Handler{s.require(rt), s.cleanInput(rt)}
			if rt.private {
				chain = append([]func(http.Handler) http.Handler{noStore}, chain...)
			}
			r.With(chain...).Method(rt.Method, rt.Pattern, rt.handler)
		}
	})
	r.NotFound(s.notFound)
	r.MethodNotAllowed(s.methodNotAllowed)
	return r
}

// crossOrigin refuses state-changing requests that a browser marks as
// cross-site (Go's CrossOriginProtection: Sec-Fetch-Site and Origin), with
// a clear 403; non-browser clients such as the CLI and pipelines pass.
func (s *Server) crossOrigin(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "Cross-site request refused", "This form was sent from another site, so meshwise refused it. Open meshwise directly and try again.")
	}))
	return cop.Handler(next)
}
