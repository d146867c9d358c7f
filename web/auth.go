package web

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"meshwise/internal/credential"
	"meshwise/model"
	"meshwise/web/views"
)

type principalKey struct{}

// principalOf returns who is making the request, or nil for nobody.
func principalOf(r *http.Request) *model.Principal {
	p, _ := r.Context().Value(principalKey{}).(*model.Principal)
	return p
}

// Sign-in rate limits: the sixth failure within the window is refused.
const (
	loginWindow        = 15 * time.Minute
	maxFailuresAccount = 5
	maxFailuresAddress = 20
	sessionUserKey     = "user_id"
	sessionEpochKey    = "epoch" // the user's session epoch at sign-in
)

// dummyHash is verified against when the account does not exist, so an
// unknown email costs the same time as a wrong password.
var dummyHash = credential.HashPassword("meshwise dummy password")

// authenticate finds the principal: an API token, a trusted proxy's header,
// or the session. A bad token is refused outright rather than ignored.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, err := s.principal(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if p != nil {
			r = r.WithContext(context.WithValue(r.Context(), principalKey{}, p))
		}
		next.ServeHTTP(w, r)
	})
}

// principal reads the credential through the store, which answers tokens,
// users and sessions from its in-process cache when that is on; revocation
// still reaches every replica within a second (store/credcache.go).
func (s *Server) principal(r *http.Request) (*model.Principal, error) {
	ctx := r.Context()
	if auth := r.Header.Get("Authorization"); auth != "" {
		secret, ok := strings.CutPrefix(auth, "Bearer ")
		if !ok || !credential.IsToken(secret) {
			return nil, model.Errorf(model.EUNAUTHORIZED, "Send an API token as \"Authorization: Bearer mw_...\".")
		}
		tok, u, err := s.store.UseToken(ctx, credential.HashToken(secret))
		if model.ErrorCode(err) == model.ENOTFOUND {
			return nil, model.Errorf(model.EUNAUTHORIZED, "The API token is unknown or revoked.")
		}
		if err != nil {
			return nil, err
		}
		if u.Disabled {
			return nil, model.Errorf(model.EUNAUTHORIZED, "The token's owner is disabled.")
		}
		role := tok.Role
		if !u.Role.AtLeast(role) {
			role = u.Role // a demoted creator demotes their tokens
		}
		return &model.Principal{User: u, Role: role, Via: "token"}, nil
	}
	if email := r.Header.Get(s.cfg.ProxyHeader); email != "" && s.fromTrustedProxy(r) {
		return s.proxyPrincipal(r, email)
	}
	if s.sessions == nil {
		return nil, nil
	}
	id := s.sessions.GetString(ctx, sessionUserKey)
	if id == "" {
		return nil, nil
	}
	u, err := s.store.UserByID(ctx, id)
	// A password change moves the epoch on and so ends every session
	// signed in before it, except the one that changed it.
	stale := err == nil && s.sessions.GetInt(ctx, sessionEpochKey) != u.SessionEpoch
	if model.ErrorCode(err) == model.ENOTFOUND || (err == nil && u.Disabled) || stale {
		_ = s.sessions.Destroy(ctx)
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &model.Principal{User: u, Role: u.Role, Via: "session"}, nil
}

// proxyPrincipal signs in the person a trusted proxy vouches for, adding
// them as a viewer the first time.
func (s *Server) proxyPrincipal(r *http.Request, header string) (*model.Principal, error) {
	email, err := model.NormalizeEmail(header)
	if err != nil {
		return nil, model.Errorf(model.EUNAUTHORIZED, "The proxy sent an unusable email.")
	}
	u, _, err := s.store.UserByEmail(r.Context(), email)
	if model.ErrorCode(err) == model.ENOTFOUND {
		u, err = s.store.CreateUser(r.Context(), email, "", model.RoleViewer, "")
		if err == nil {
			s.audit(r, "user provisioned by proxy", u.Email, "role viewer")
		}
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, model.Errorf(model.EFORBIDDEN, "Your account is disabled.")
	}
	return &model.Principal{User: u, Role: u.Role, Via: "proxy"}, nil
}

func (s *Server) fromTrustedProxy(r *http.Request) bool {
	if len(s.cfg.TrustedProxies) == 0 {
		return false
	}
	addr, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(addr.Addr().Unmap()) {
			return true
		}
	}
	return false
}

// clientAddress is the remote address, or the proxy's X-Forwarded-For when
// the request came through a trusted proxy.
func (s *Server) clientAddress(r *http.Request) string {
	if s.fromTrustedProxy(r) {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			return strings.TrimSpace(strings.Split(xff, ",")[0])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// require lets a request through only for a principal whose role in use —
// a session's person's, a token's own — is at least the route's, and only
// for a person on routes that manage credentials.
func (s *Server) require(rt Route) func(http.Handler) http.Handler {
	role := rt.Role
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if role == "" {
				next.ServeHTTP(w, r)
				return
			}
			p := principalOf(r)
			switch {
			case p == nil && !isAPI(r) && r.Method == http.MethodGet:
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
			case p == nil:
				s.fail(w, r, model.Errorf(model.EUNAUTHORIZED, "Sign in first, or send an API token."))
			case !p.Role.AtLeast(role):
				s.fail(w, r, model.Errorf(model.EFORBIDDEN, "Your role (%s) cannot do this; it needs %s or higher.", p.Role, role))
			case rt.Person && p.ByToken():
				s.fail(w, r, model.Errorf(model.EFORBIDDEN, "An API token cannot manage people, tokens or passwords; sign in as yourself."))
			default:
				next.ServeHTTP(w, r)
			}
		})
	}
}

func (s *Server) audit(r *http.Request, event, subject, detail string) {
	e := model.AuditEvent{Event: event, Subject: subject, Detail: detail, Address: s.clientAddress(r)}
	if p := principalOf(r); p != nil {
		e.ActorID, e.ActorEmail = p.User.ID, p.User.Email
	}
	if err := s.store.Audit(r.Context(), e); err != nil {
		s.log.ErrorContext(r.Context(), "audit event lost", "event", event, "err", err)
	}
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.Login(s.page(r, "Sign in", "login"), views.LoginView{Next: safeNext(r.URL.Query().Get("next"))}))
}

// loginFailed is the one answer to a wrong password and an unknown account.
const loginFailed = "The email or password is wrong."

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	ctx := r.Context()
	rawEmail, password, next := r.PostForm.Get("email"), r.PostForm.Get("password"), safeNext(r.PostForm.Get("next"))
	email, emailErr := model.NormalizeEmail(rawEmail)
	if emailErr != nil {
		email = strings.ToLower(strings.TrimSpace(rawEmail))
	}
	addr := s.clientAddress(r)
	view := views.LoginView{Email: rawEmail, Next: next}
	// The attempt is counted before its password is checked, atomically
	// with the limits: a burst of concurrent guesses cannot all pass.
	allowed, err := s.store.ReserveLoginAttempt(ctx, email, addr, time.Now().Add(-loginWindow), maxFailuresAccount, maxFailuresAddress)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !allowed {
		s.audit(r, "sign-in refused: too many failures", email, "")
		view.Error = "Too many failed sign-ins. Wait 15 minutes and try again."
		w.Header().Set("Retry-After", "900")
		s.render(w, r, http.StatusTooManyRequests, views.Login(s.page(r, "Sign in", "login"), view))
		return
	}
	u, hash, err := s.store.UserByEmail(ctx, email)
	switch {
	case model.ErrorCode(err) == model.ENOTFOUND:
		hash = dummyHash
	case err != nil:
		s.fail(w, r, err)
		return
	}
	release, busy := s.hashSlot(ctx)
	if busy {
		w.Header().Set("Retry-After", "5")
		s.fail(w, r, model.Errorf(model.ELIMITED, "Too many sign-ins at once; try again in a few seconds."))
		return
	}
	ok := credential.VerifyPassword(password, hash) && err == nil && !u.Disabled && hash != ""
	release()
	if !ok {
		s.audit(r, "sign-in failed", email, "")
		view.Error = loginFailed
		s.render(w, r, http.StatusUnauthorized, views.Login(s.page(r, "Sign in", "login"), view))
		return
	}
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Put(ctx, sessionUserKey, u.ID)
	s.sessions.Put(ctx, sessionEpochKey, u.SessionEpoch)
	_ = s.store.ClearLoginFailures(ctx, email)
	r = r.WithContext(context.WithValue(ctx, principalKey{}, &model.Principal{User: u, Role: u.Role, Via: "session"}))
	s.audit(r, "signed in", u.Email, "")
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// hashSlot waits (up to five seconds) for one of the few password checks
// allowed at once: argon2id takes 19 MiB and a core's worth of time each,
// so a burst of sign-ins must queue rather than exhaust memory.
func (s *Server) hashSlot(ctx context.Context) (release func(), busy bool) {
	t := time.NewTimer(5 * time.Second)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, false
	case <-t.C:
		return nil, true
	case <-ctx.Done():
		return nil, true
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if p := principalOf(r); p != nil {
		s.audit(r, "signed out", p.User.Email, "")
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// safeNext keeps a post-sign-in redirect on this site: a path of printable
// ASCII that starts with one slash, has no backslash, and that url.Parse
// reads as a bare path. Browsers drop tabs and newlines and read "\" as
// "/", so "/\t/evil.example" and "/\\evil.example" would leave the site.
func safeNext(next string) string {
	if len(next) == 0 || len(next) > 2048 || next[0] != '/' || strings.HasPrefix(next, "//") {
		return "/"
	}
	for i := 0; i < len(next); i++ {
		if c := next[i]; c <= ' ' || c >= 0x7f || c == '\\' {
			return "/"
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.EscapedPath(), "/") || strings.HasPrefix(u.EscapedPath(), "//") {
		return "/"
	}
	return next
}
