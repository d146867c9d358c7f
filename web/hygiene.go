package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-chi/chi/v5"

	"meshwise/model"
)

// PostgreSQL refuses a NUL byte in text and jsonb, and any invalid UTF-8, so
// such input would fail deep inside a query as a 500. cleanInput stops it
// at the door, for every route at once, naming the field: query parameters,
// URL-encoded and multipart forms (names and values), and every key and
// string of a JSON body. Routes that stream their upload check each part
// with nextPart instead.

// badTextMessage is what a refused field is told.
const badTextMessage = "holds a NUL byte or invalid UTF-8; remove it and try again"

// badText reports whether s would be refused by PostgreSQL.
func badText(s string) bool { return strings.IndexByte(s, 0) >= 0 || !utf8.ValidString(s) }

// fieldLabel shows a field name safely even when the name itself is bad.
func fieldLabel(name string) string {
	if !badText(name) {
		return name
	}
	q := strconv.QuoteToASCII(name)
	return q[1 : len(q)-1]
}

func badTextError(field string) *model.Error {
	label := fieldLabel(field)
	return &model.Error{Code: model.EINVALID, Message: "The field \"" + label + "\" " + badTextMessage + ".",
		Fields: []model.FieldError{{Field: label, Message: badTextMessage}}}
}

// checkValues finds the first bad name or value of a form or query.
func checkValues(v url.Values) error {
	for name, values := range v {
		if badText(name) {
			return badTextError(name)
		}
		for _, value := range values {
			if badText(value) {
				return badTextError(name)
			}
		}
	}
	return nil
}

// cleanInput refuses a request whose input holds bad text before its
// handler runs; on /login the answer is 400 rather than 422.
func (s *Server) cleanInput(rt Route) func(http.Handler) http.Handler {
	status := http.StatusUnprocessableEntity
	if rt.Pattern == "/login" {
		status = http.StatusBadRequest
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			err := s.checkInput(r, rt.streams)
			var me *model.Error
			switch {
			case err == nil:
				next.ServeHTTP(w, r)
				if r.MultipartForm != nil {
					_ = r.MultipartForm.RemoveAll()
				}
			case errors.As(err, &me) && me.Code == model.EINVALID:
				if isAPI(r) {
					s.problem(w, status, headingFor(status), me.Message, me.Fields)
				} else {
					s.renderError(w, r, status, headingFor(status), me.Message)
				}
			default:
				s.fail(w, r, err)
			}
		})
	}
}

// checkInput reads what the handler will read and checks it. A form is
// parsed here (the handler's ParseForm then reuses it); a JSON body is read,
// walked and put back.
func (s *Server) checkInput(r *http.Request, streams bool) error {
	if rctx := chi.RouteContext(r.Context()); rctx != nil {
		for _, v := range rctx.URLParams.Values {
			if badText(v) {
				return model.Errorf(model.ENOTFOUND, "There is no page at this address.")
			}
		}
	}
	if q, err := url.ParseQuery(r.URL.RawQuery); err == nil {
		if err := checkValues(q); err != nil {
			return err
		}
	} else if err := checkValues(r.URL.Query()); err != nil {
		return err
	}
	if r.Body == nil || r.Body == http.NoBody || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return nil
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case mt == "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return formError(err)
		}
		return checkValues(r.PostForm)
	case mt == "multipart/form-data" && !streams:
		if err := r.ParseMultipartForm(s.cfg.MaxBodyBytes); err != nil {
			return formError(err)
		}
		if err := checkValues(r.MultipartForm.Value); err != nil {
			return err
		}
		for name, files := range r.MultipartForm.File {
			for _, fh := range files {
				if badText(name) || badText(fh.Filename) {
					return badTextError(name)
				}
			}
		}
		return nil
	case mt == "application/json" || (mt == "" && isAPI(r)):
		body, err := io.ReadAll(r.Body)
		if err != nil {
			return err // too large: fail maps it to 413
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		return checkJSON("", body)
	}
	return nil
}

func formError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return model.Errorf(model.EINVALID, "The form could not be read.")
}

// checkJSON walks every key and string of a JSON document and names the
// first bad one by its path (title, pricing.currency, items[2].name), under
// prefix when the document sits inside a form field. Bytes that are not
// JSON are left to the handler, which explains the syntax error.
func checkJSON(prefix string, doc []byte) error {
	type frame struct {
		array   bool
		index   int
		key     string
		haveKey bool // an object's key is read and its value is next
	}
	var stack []frame
	path := func(key string) string {
		var b strings.Builder
		b.WriteString(prefix)
		for _, f := range stack {
			if f.array {
				b.WriteString("[" + strconv.Itoa(f.index) + "]")
				continue
			}
			if !f.haveKey {
				continue
			}
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
		}
		if key != "" {
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(key)
		}
		if b.Len() == 0 {
			return "body"
		}
		return b.String()
	}
	// A value is done: move the enclosing array on, or await the next key.
	done := func() {
		if n := len(stack); n > 0 {
			if stack[n-1].array {
				stack[n-1].index++
			} else {
				stack[n-1].haveKey = false
			}
		}
	}
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	for {
		start := dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return nil // the end, or not JSON: the handler reports syntax
		}
		switch t := tok.(type) {
		case json.Delim:
			switch t {
			case '{', '[':
				stack = append(stack, frame{array: t == '['})
			default:
				stack = stack[:len(stack)-1]
				done()
			}
		case string:
			// The decoder quietly turns invalid UTF-8 into U+FFFD, so the raw
			// bytes of the token are checked as well as the decoded string.
			raw := doc[start:dec.InputOffset()]
			if n := len(stack); n > 0 && !stack[n-1].array && !stack[n-1].haveKey {
				if badText(t) || !utf8.Valid(raw) {
					return badTextError(path(fieldLabel(t)))
				}
				stack[n-1].key, stack[n-1].haveKey = t, true
				continue
			}
			if badText(t) || !utf8.Valid(raw) {
				return badTextError(path(""))
			}
			done()
		default:
			done()
		}
	}
}

// formPart is one part of a streamed multipart form, its name and file
// name checked, and for a plain field its value read and checked.
type formPart struct {
	*multipart.Part
	Value string // a plain field's value; empty for a file
}

// maxFieldBytes bounds a plain field read from a streamed form.
const maxFieldBytes = 64 << 10

// nextPart is cleanInput for routes that stream their upload: it returns
// the next part, or an EINVALID error naming a bad field, or io.EOF.
func nextPart(mr *multipart.Reader) (formPart, error) {
	part, err := mr.NextPart()
	if err != nil {
		return formPart{}, err
	}
	name := part.FormName()
	if badText(name) || badText(part.FileName()) {
		return formPart{}, badTextError(name)
	}
	if part.FileName() != "" {
		return formPart{Part: part}, nil
	}
	b, err := io.ReadAll(io.LimitReader(part, maxFieldBytes+1))
	if err != nil {
		return formPart{}, err
	}
	if len(b) > maxFieldBytes {
		return formPart{}, &model.Error{Code: model.EINVALID, Message: "The field \"" + fieldLabel(name) + "\" is too long.",
			Fields: []model.FieldError{{Field: fieldLabel(name), Message: "is too long"}}}
	}
	if badText(string(b)) {
		return formPart{}, badTextError(name)
	}
	return formPart{Part: part, Value: string(b)}, nil
}
