package web

import (
	"errors"
	"net/http"
	"strings"

	"meshwise/model"
	"meshwise/web/views"
)

// pricingFields are the assessment inputs the price book holds.
func pricingFields() []model.InputField {
	var out []model.InputField
	for _, f := range model.FieldsOfStep(3) {
		if strings.HasPrefix(f.Key, "pricing.") {
			out = append(out, f)
		}
	}
	return out
}

func (s *Server) pricesPage(w http.ResponseWriter, r *http.Request) {
	book, ok, err := s.store.CurrentPrices(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a := model.DefaultAssessment()
	v := views.PricesView{}
	if ok {
		a.Pricing, v.SetBy, v.SetAt = book.Pricing, book.SetBy, book.SetAt.UTC().Format("2006-01-02 15:04 UTC")
	}
	for _, f := range pricingFields() {
		v.Fields = append(v.Fields, views.PriceField{Field: f, Value: a.FieldValue(f.Key)})
	}
	s.render(w, r, http.StatusOK, views.Prices(s.page(r, "Price book", "prices"), v))
}

// setPrices puts a new price book in force: every pricing field, checked
// as the wizard checks it, each error named.
func (s *Server) setPrices(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	a := model.DefaultAssessment()
	v := views.PricesView{}
	for _, f := range pricingFields() {
		raw := r.PostForm.Get(f.Key)
		if err := a.SetField(f.Key, raw); err != nil {
			v.Errors = append(v.Errors, model.FieldError{Field: f.Key, Message: err.Error()})
		}
		v.Fields = append(v.Fields, views.PriceField{Field: f, Value: raw})
	}
	if len(v.Errors) == 0 {
		var me *model.Error
		if err := a.Validate(); errors.As(err, &me) {
			v.Errors = me.Fields
		} else if err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if len(v.Errors) > 0 {
		s.render(w, r, http.StatusUnprocessableEntity, views.Prices(s.page(r, "Price book", "prices"), v))
		return
	}
	p := principalOf(r)
	if err := s.store.SetPrices(r.Context(), a.Pricing, p.User.Email); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "price book changed", "pricing", "currency "+a.Pricing.Currency)
	http.Redirect(w, r, "/admin/prices?saved=1", http.StatusSeeOther)
}
