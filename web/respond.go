package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/a-h/templ"

	"meshwise/model"
	"meshwise/web/views"
)

// statusFor is the one table from domain error codes to HTTP statuses.
var statusFor = map[string]int{
	model.EINVALID:      http.StatusUnprocessableEntity,
	model.ENOTFOUND:     http.StatusNotFound,
	model.ECONFLICT:     http.StatusConflict,
	model.EUNAVAILABLE:  http.StatusServiceUnavailable,
	model.EINTERNAL:     http.StatusInternalServerError,
	model.EUNAUTHORIZED: http.StatusUnauthorized,
	model.EFORBIDDEN:    http.StatusForbidden,
	model.ELIMITED:      http.StatusTooManyRequests,
}

// fail answers a request that ended in err: an HTML page for people, a
// problem+json document for the API. Only internal faults are logged as such.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	code := model.ErrorCode(err)
	status, ok := statusFor[code]
	if !ok {
		status = http.StatusInternalServerError
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		status = http.StatusRequestEntityTooLarge
	}
	switch status {
	case http.StatusInternalServerError:
		s.log.ErrorContext(r.Context(), "internal error", "method", r.Method, "path", r.URL.Path, "err", err)
	case http.StatusServiceUnavailable:
		s.log.WarnContext(r.Context(), "dependency unavailable", "path", r.URL.Path, "err", err)
		w.Header().Set("Retry-After", "5")
	}
	heading, message := headingFor(status), model.ErrorMessage(err)
	switch status {
	case http.StatusServiceUnavailable:
		message = "The database is unavailable right now, so this page cannot be shown. Nothing you saved is lost; meshwise reconnects by itself — please try again in a moment."
	case http.StatusRequestEntityTooLarge:
		message = "The request body is larger than the limit of " + humanBytes(s.cfg.MaxBodyBytes) + "."
	}
	if isAPI(r) {
		var fields []model.FieldError
		var me *model.Error
		if errors.As(err, &me) {
			fields = me.Fields
		}
		s.problem(w, status, heading, message, fields)
		return
	}
	s.renderError(w, r, status, heading, message)
}

// renderError writes the HTML error page with the given status.
func (s *Server) renderError(w http.ResponseWriter, r *http.Request, status int, heading, message string) {
	if isAPI(r) {
		s.problem(w, status, heading, message, nil)
		return
	}
	s.render(w, r, status, views.Error(s.page(r, heading, ""), views.ErrorView{Status: status, Heading: heading, Message: message}))
}

// Problem is an RFC 9457 problem details document, with the offending fields.
type Problem struct {
	Type   string             `json:"type"`
	Title  string             `json:"title"`
	Status int                `json:"status"`
	Detail string             `json:"detail,omitempty"`
	Errors []model.FieldError `json:"errors,omitempty"`
}

func (s *Server) problem(w http.ResponseWriter, status int, title, detail string, fields []model.FieldError) {
	b, _ := json.Marshal(Problem{Type: "about:blank", Title: title, Status: status, Detail: detail, Errors: fields})
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(b, '\n'))
}

// render writes a templ component through a buffer, so a render error
// becomes a clean 500 instead of half a page sent with a 200.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	var buf bytes.Buffer
	if err := c.Render(r.Context(), &buf); err != nil {
		if r.Context().Err() != nil {
			// The client went away (or the deadline passed) mid-render:
			// nobody reads an answer, and it is no fault of the server.
			s.log.DebugContext(r.Context(), "render abandoned", "path", r.URL.Path, "err", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		s.log.ErrorContext(r.Context(), "render failed", "path", r.URL.Path, "err", err)
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte("meshwise could not render this page; the error has been logged.\n"))
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// jsonBuffers recycles response buffers: estimates are tens of KiB.
var jsonBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// writeJSON writes v as a JSON response, encoded fully before the status is
// sent so an encoding failure is still a clean 500.
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	buf := jsonBuffers.Get().(*bytes.Buffer)
	buf.Reset()
	defer jsonBuffers.Put(buf)
	if err := json.NewEncoder(buf).Encode(v); err != nil {
		s.problem(w, http.StatusInternalServerError, "Internal Server Error", "The response could not be encoded.", nil)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}

// page returns the frame of a page with the given title and current section.
func (s *Server) page(r *http.Request, title, section string) views.Page {
	pg := views.Page{Title: title, Section: section, StyleURL: s.assets.URL("css/meshwise.css"), IconURL: s.assets.URL("icons/favicon.svg"), Version: s.cfg.Version}
	if p := principalOf(r); p != nil {
		pg.User, pg.Role = p.User.Email, string(p.Role)
	}
	return pg
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, model.Errorf(model.ENOTFOUND, "There is no page at %s.", r.URL.Path))
}

func (s *Server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusMethodNotAllowed, headingFor(http.StatusMethodNotAllowed), r.Method+" is not allowed on "+r.URL.Path+".")
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func headingFor(status int) string {
	switch status {
	case http.StatusServiceUnavailable:
		return "Database unavailable"
	case http.StatusNotFound:
		return "Page not found"
	case http.StatusUnprocessableEntity:
		return "Some values need attention"
	case http.StatusRequestEntityTooLarge:
		return "Request too large"
	case http.StatusUnauthorized:
		return "Sign in needed"
	case http.StatusForbidden:
		return "Not allowed"
	case http.StatusInternalServerError:
		return "Something went wrong"
	default:
		return http.StatusText(status)
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return itoa(n>>20) + " MiB"
	case n >= 1<<10 && n%(1<<10) == 0:
		return itoa(n>>10) + " KiB"
	default:
		return itoa(n) + " bytes"
	}
}

// favicon answers browsers and tools that ask for /favicon.ico without
// reading the page's link: a redirect to the content-hashed icon, not a 404.
func (s *Server) favicon(w http.ResponseWriter, r *http.Request) {
	http.Redirect(w, r, s.assets.URL("icons/favicon.svg"), http.StatusMovedPermanently)
}
