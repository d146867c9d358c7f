package web

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"meshwise/model"
	"meshwise/model/cluster"
	"meshwise/web/views"
)

func (s *Server) importPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.Import(s.page(r, "Import a cluster", "import"), views.ImportView{MaxUpload: humanBytes(s.cfg.ImportMaxBytes)}))
}

// importFiles reads uploaded kubectl and az JSON as it streams in: each file goes
// straight from the request into the inventory, nothing is written to disk
// or kept, and only derived counts reach the page.
func (s *Server) importFiles(w http.ResponseWriter, r *http.Request) {
	v := views.ImportView{MaxUpload: humanBytes(s.cfg.ImportMaxBytes)}
	body, err := s.limitUpload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		v.Errors = []string{"Send the files with the form (multipart/form-data)."}
		s.render(w, r, http.StatusUnprocessableEntity, views.Import(s.page(r, "Import a cluster", "import"), v))
		return
	}
	inv := cluster.New(false)
	files := 0
	for {
		part, err := nextPart(mr)
		if err == io.EOF {
			break
		}
		if body.over {
			s.fail(w, r, &http.MaxBytesError{Limit: s.cfg.ImportMaxBytes})
			return
		}
		if model.ErrorCode(err) == model.EINVALID {
			s.renderError(w, r, http.StatusUnprocessableEntity, headingFor(http.StatusUnprocessableEntity), model.ErrorMessage(err))
			return
		}
		if err != nil {
			v.Errors = append(v.Errors, "The upload could not be read: "+err.Error())
			break
		}
		switch part.FormName() {
		case "hash_names":
			inv.HashNames = strings.TrimSpace(part.Value) == "true"
		case "files", "aks", "nodepools", "nodes", "namespaces", "deployments", "services", "pods", "metrics":
			if part.FileName() == "" {
				continue
			}
			files++
			// "files" are classified by content; a named field is like a
			// command-line flag: its file must hold what it says.
			in := cluster.Input(part.FormName())
			if in == "files" {
				in = cluster.Any
			}
			if err := inv.ReadAs(in, part.FileName(), part); err != nil {
				if body.over {
					s.fail(w, r, &http.MaxBytesError{Limit: s.cfg.ImportMaxBytes})
					return
				}
				v.Errors = append(v.Errors, err.Error())
			}
		}
	}
	if files == 0 && len(v.Errors) == 0 {
		v.Errors = []string{"Choose at least one file: the output of kubectl get pods -A -o json, for example."}
	}
	var pre cluster.Prefill
	if len(v.Errors) == 0 {
		// Bounds are checked here, with a message, rather than by the
		// wizard later.
		if pre, err = inv.Prefill(); err != nil {
			v.Errors = append(v.Errors, err.Error())
		}
	}
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		b, _ := json.Marshal(pre.Assessment)
		v.Inventory, v.Assessment, v.Prefill, v.Report = inv, string(b), &pre, inv.Report()
		if wi, ok, err := inv.WhatIf(pre.Assessment); err == nil && ok {
			v.WhatIf = &wi
		}
	}
	s.render(w, r, status, views.Import(s.page(r, "Import a cluster", "import"), v))
}

// startImported creates a draft from the derived figures and opens the wizard.
func (s *Server) startImported(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	doc := r.PostForm.Get("assessment")
	if err := checkJSON("assessment", []byte(doc)); err != nil {
		s.fail(w, r, err)
		return
	}
	a, err := model.DecodeAssessment(strings.NewReader(doc))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	saved, err := s.store.CreateAssessment(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/assessments/"+saved.ID+"/steps/1", http.StatusSeeOther)
}

// limitUpload refuses an upload that says it is larger than
// MESHWISE_IMPORT_MAX_BYTES and bounds the body to it otherwise (body.over
// tells when a body lied about its length).
func (s *Server) limitUpload(r *http.Request) (*limitedBody, error) {
	if r.ContentLength > s.cfg.ImportMaxBytes {
		return nil, &http.MaxBytesError{Limit: s.cfg.ImportMaxBytes}
	}
	body := &limitedBody{r: r.Body, left: s.cfg.ImportMaxBytes}
	r.Body = io.NopCloser(body)
	return body, nil
}

// limitedBody reads at most left bytes and remembers when a body was longer.
type limitedBody struct {
	r    io.Reader
	left int64
	over bool
}

func (l *limitedBody) Read(p []byte) (int, error) {
	if l.left <= 0 {
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			l.over = true
			return 0, errors.New("the upload is larger than the limit")
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}
