package web

import (
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"meshwise/model"
	"meshwise/web/views"
)

func (s *Server) startPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, views.StartPage(s.page(r, "Start an assessment", "new")))
}

// createAssessment makes a draft from the defaults and opens its first step.
func (s *Server) createAssessment(w http.ResponseWriter, r *http.Request) {
	a := model.DefaultAssessment()
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	if t := strings.TrimSpace(r.PostForm.Get("title")); t != "" && len([]rune(t)) <= 200 {
		a.Title = t
	}
	saved, err := s.store.CreateAssessment(r.Context(), a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/assessments/"+saved.ID+"/steps/1", http.StatusSeeOther)
}

// openAssessment sends a shared link to where the draft stands.
func (s *Server) openAssessment(w http.ResponseWriter, r *http.Request) {
	saved, err := s.store.GetAssessment(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	target := "/assessments/" + saved.ID + "/steps/" + strconv.Itoa(min(saved.Step, 3))
	// A viewer may not open the wizard: a draft's link shows its results.
	if saved.Step >= 4 || !canEditAssessments(r) {
		target = "/assessments/" + saved.ID + "/results"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

func stepParam(r *http.Request) (int, error) {
	n, err := strconv.Atoi(chi.URLParam(r, "step"))
	if err != nil || n < 1 || n > 3 {
		return 0, model.Errorf(model.ENOTFOUND, "There is no such step: the wizard has steps 1 to 3 and the results.")
	}
	return n, nil
}

// loadStep reads the step number and the draft a wizard URL names.
func (s *Server) loadStep(r *http.Request) (int, model.SavedAssessment, error) {
	step, err := stepParam(r)
	if err != nil {
		return 0, model.SavedAssessment{}, err
	}
	saved, err := s.store.GetAssessment(r.Context(), chi.URLParam(r, "id"))
	return step, saved, err
}

func (s *Server) showStep(w http.ResponseWriter, r *http.Request) {
	step, saved, err := s.loadStep(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := stepView(saved, step, nil, nil)
	s.render(w, r, http.StatusOK, views.Step(s.page(r, "Step "+strconv.Itoa(step)+" · "+saved.Assessment.Title, "new"), v))
}

// saveStep reads one step's answers, re-renders them with messages when a
// value is refused, and otherwise saves the draft (if nobody saved it in
// between) and moves on.
func (s *Server) saveStep(w http.ResponseWriter, r *http.Request) {
	step, saved, err := s.loadStep(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	raw := map[string]string{}
	fieldErrs := map[string]string{}
	a := saved.Assessment
	for _, f := range model.FieldsOfStep(step) {
		raw[f.Key] = r.PostForm.Get(f.Key)
		if strings.HasPrefix(f.Key, "custom_sku.") && raw[f.Key] == "" && r.PostForm.Get("node_sku") != model.CustomSKU {
			continue // a custom size only matters when it is chosen
		}
		if err := a.SetField(f.Key, raw[f.Key]); err != nil {
			fieldErrs[f.Key] = err.Error()
		}
	}
	// Every message at once: bounds and feasibility are checked even when
	// another box held letters (a refused box keeps its saved value).
	var me *model.Error
	if err := a.Validate(); errors.As(err, &me) {
		for _, fe := range me.Fields {
			if _, seen := fieldErrs[fe.Field]; !seen {
				fieldErrs[fe.Field] = fe.Message
			}
		}
	}
	title := "Step " + strconv.Itoa(step) + " · " + saved.Assessment.Title
	if len(fieldErrs) > 0 {
		saved.Version = version
		s.render(w, r, http.StatusUnprocessableEntity, views.Step(s.page(r, title, "new"), stepView(saved, step, raw, fieldErrs)))
		return
	}
	next, reached := step+1, step+1
	if r.PostForm.Get("action") == "back" {
		next, reached = step-1, step
	}
	updated, err := s.store.UpdateAssessment(r.Context(), saved.ID, version, a, reached)
	if model.ErrorCode(err) == model.ECONFLICT {
		saved.Version = version
		v := stepView(saved, step, raw, nil)
		v.Conflict = model.ErrorMessage(err)
		s.render(w, r, http.StatusConflict, views.Step(s.page(r, title, "new"), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	target := "/assessments/" + updated.ID + "/steps/" + strconv.Itoa(max(next, 1))
	if next >= 4 {
		target = "/assessments/" + updated.ID + "/results"
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// stepView builds the form of one step. raw holds what the person typed
// (nil: show the saved values); errs the messages by field key.
func stepView(saved model.SavedAssessment, step int, raw, errs map[string]string) views.StepView {
	defaults := model.DefaultAssessment()
	v := views.StepView{ID: saved.ID, Version: saved.Version, Step: step, Reached: max(saved.Step, step),
		Title: saved.Assessment.Title, Services: saved.Assessment.Services}
	a := saved.Assessment
	for _, f := range model.FieldsOfStep(step) {
		fv := views.FieldView{InputField: f, Value: a.FieldValue(f.Key), Default: defaults.FieldValue(f.Key), Error: errs[f.Key]}
		if raw != nil {
			fv.Value = raw[f.Key]
			if f.Kind == model.FieldBool {
				fv.Value = strconv.FormatBool(raw[f.Key] == "true" || raw[f.Key] == "on")
			}
		}
		if fv.Error != "" {
			v.Errors = append(v.Errors, views.FieldErrorView{Field: f.Key, Label: f.Label, Message: fv.Error})
		}
		switch {
		case strings.HasPrefix(f.Key, "preferences."):
			v.Basic = append(v.Basic, fv) // judgement weights are shown, not folded away
		case f.Kind == model.FieldOverride:
			v.Overrides = append(v.Overrides, fv)
		case f.Advanced:
			v.Advanced = append(v.Advanced, fv)
		default:
			v.Basic = append(v.Basic, fv)
		}
	}
	// Messages about other steps' fields (rare: a default made invalid by an
	// override) still show in the summary.
	for k, msg := range errs {
		if !isStepField(step, k) {
			v.Errors = append(v.Errors, views.FieldErrorView{Field: k, Label: model.FieldLabel(k), Message: msg})
		}
	}
	return v
}

func isStepField(step int, key string) bool {
	for _, f := range model.FieldsOfStep(step) {
		if f.Key == key {
			return true
		}
	}
	return false
}
