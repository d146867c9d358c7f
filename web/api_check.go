package web

import (
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/shopspring/decimal"

	"meshwise/model"
	"meshwise/model/cluster"
)

// checkDoc is the answer of POST /api/v1/records/{id}/check.
type checkDoc struct {
	Report model.DriftReport `json:"report"`
	Signed bool              `json:"signed"`          // appended to the record's history
	Entry  int64             `json:"entry,omitempty"` // the signed entry's position
}

// apiCheckRecord compares a fresh upload of kubectl output with an
// approved record (the drift guard). The upload is multipart: one field
// per kind of file (pods, nodes, deployments, namespaces, metrics, aks,
// nodepools, services), and optionally tolerance (percent) and sign=true
// to append the check, with its findings, to the record's signed history.
// The answer is 200 with the report whether or not the cluster drifted.
func (s *Server) apiCheckRecord(w http.ResponseWriter, r *http.Request) {
	st, rep, err := s.store.Record(r.Context(), chi.URLParam(r, "rid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !rep.OK {
		s.fail(w, r, model.Errorf(model.EUNAVAILABLE, "The record fails verification (%s); it cannot be checked against.", rep.Problem))
		return
	}
	base, err := model.BaselineOf(st)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	body, err := s.limitUpload(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.fail(w, r, model.Invalid("body", "must be multipart/form-data with one field per kubectl file (pods, nodes, ...)"))
		return
	}
	inv := cluster.New(false)
	tolerance, sign, files := model.DefaultDriftTolerance, false, 0
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
			s.fail(w, r, err)
			return
		}
		if err != nil { // a malformed part: the upload's fault, not the server's
			s.fail(w, r, model.Invalid("body", "the upload could not be read as multipart/form-data: "+err.Error()))
			return
		}
		name := part.FormName()
		switch {
		case name == "tolerance":
			t, err := decimal.NewFromString(strings.TrimSpace(part.Value))
			if err != nil || t.IsNegative() || t.GreaterThan(decimal.NewFromInt(1000)) {
				s.fail(w, r, model.Invalid("tolerance", "must be a percentage from 0 to 1000"))
				return
			}
			tolerance = t
		case name == "sign":
			sign = strings.TrimSpace(part.Value) == "true"
		case isClusterInput(name) && part.FileName() != "":
			files++
			if err := inv.ReadAs(cluster.Input(name), part.FileName(), part); err != nil {
				if body.over {
					s.fail(w, r, &http.MaxBytesError{Limit: s.cfg.ImportMaxBytes})
					return
				}
				s.fail(w, r, model.Invalid(name, err.Error()))
				return
			}
		default:
			s.fail(w, r, model.Invalid(name, "is not a field of a drift check (pods, nodes, deployments, namespaces, metrics, aks, nodepools, services, tolerance, sign)"))
			return
		}
	}
	if files == 0 {
		s.fail(w, r, model.Invalid("pods", "send at least one file: the output of kubectl get pods -A -o json"))
		return
	}
	out := checkDoc{Report: model.CheckDrift(base, inv.Observation(), time.Now(), tolerance)}
	if sign {
		e, err := s.store.RecordCheck(r.Context(), st.ID, *principalOf(r), out.Report)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		out.Signed, out.Entry = true, e.Seq
	}
	s.writeJSON(w, http.StatusOK, out)
}

func isClusterInput(name string) bool {
	for _, in := range cluster.Inputs {
		if string(in) == name {
			return true
		}
	}
	return false
}
