package web

import (
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"meshwise/internal/credential"
	"meshwise/model"
	"meshwise/web/views"
)

func (s *Server) account(w http.ResponseWriter, r *http.Request) {
	s.renderAccount(w, r, http.StatusOK, views.AccountView{})
}

func (s *Server) renderAccount(w http.ResponseWriter, r *http.Request, status int, v views.AccountView) {
	p := principalOf(r)
	tokens, err := s.store.ListTokens(r.Context(), p.User.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.User, v.Role, v.ByToken, v.Tokens = p.User, p.Role, p.ByToken(), tokens
	for _, role := range model.Roles {
		if p.Role.AtLeast(role) {
			v.Roles = append(v.Roles, role)
		}
	}
	s.render(w, r, status, views.Account(s.page(r, "Your account", "account"), v))
}

// createToken makes an API token no more powerful than the credential in
// use (the route admits only a person, so that is the person's role) and
// shows the secret once.
func (s *Server) createToken(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	name := strings.TrimSpace(r.PostForm.Get("name"))
	role, err := model.ParseRole(r.PostForm.Get("role"))
	switch {
	case name == "" || len([]rune(name)) > 100:
		s.renderAccount(w, r, http.StatusUnprocessableEntity, views.AccountView{Error: "Name the token (1 to 100 characters), e.g. the pipeline that will use it."})
		return
	case err != nil:
		s.renderAccount(w, r, http.StatusUnprocessableEntity, views.AccountView{Error: "Choose one of the listed roles."})
		return
	case !p.Role.AtLeast(role):
		s.renderAccount(w, r, http.StatusForbidden, views.AccountView{Error: "A token cannot have a higher role than yours (" + string(p.Role) + ")."})
		return
	}
	secret := credential.NewToken()
	tok, err := s.store.CreateToken(r.Context(), p.User.ID, name, role, credential.TokenLabel(secret), credential.HashToken(secret))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "token created", tok.Name, "role "+string(role)+", starts "+tok.Prefix)
	s.renderAccount(w, r, http.StatusOK, views.AccountView{NewToken: secret})
}

func (s *Server) revokeToken(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	id := chi.URLParam(r, "id")
	if err := s.store.RevokeToken(r.Context(), p.User.ID, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "token revoked", id, "")
	s.renderAccount(w, r, http.StatusOK, views.AccountView{Message: "The token is revoked; it stopped working at once."})
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	_, hash, err := s.store.UserByEmail(r.Context(), p.User.Email)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !credential.VerifyPassword(r.PostForm.Get("current"), hash) {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, views.AccountView{Error: "The current password is wrong."})
		return
	}
	next := r.PostForm.Get("new")
	if err := credential.CheckPassword(next); err != nil {
		s.renderAccount(w, r, http.StatusUnprocessableEntity, views.AccountView{Error: "The new password " + model.ErrorFieldMessage(err) + "."})
		return
	}
	epoch, err := s.store.SetPassword(r.Context(), p.User.ID, credential.HashPassword(next))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The new epoch ends every other session of this person; this one
	// carries it on, under a fresh session ID.
	if s.sessions != nil {
		if err := s.sessions.RenewToken(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
		s.sessions.Put(r.Context(), sessionEpochKey, epoch)
	}
	s.audit(r, "password changed", p.User.Email, "")
	s.renderAccount(w, r, http.StatusOK, views.AccountView{Message: "Your password is changed."})
}

func (s *Server) users(w http.ResponseWriter, r *http.Request) {
	s.renderUsers(w, r, http.StatusOK, views.UsersView{})
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, v views.UsersView) {
	list, err := s.store.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.Users = list
	s.render(w, r, status, views.Users(s.page(r, "Users", "users"), v))
}

func (s *Server) addUser(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	email, err := model.NormalizeEmail(r.PostForm.Get("email"))
	if err != nil {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, views.UsersView{Error: "The email " + model.ErrorFieldMessage(err) + "."})
		return
	}
	role, err := model.ParseRole(r.PostForm.Get("role"))
	if err != nil {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, views.UsersView{Error: "Choose one of the listed roles."})
		return
	}
	password := credential.NewPassword()
	u, err := s.store.CreateUser(r.Context(), email, strings.TrimSpace(r.PostForm.Get("name")), role, credential.HashPassword(password))
	if model.ErrorCode(err) == model.ECONFLICT {
		s.renderUsers(w, r, http.StatusConflict, views.UsersView{Error: model.ErrorMessage(err)})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "user added", u.Email, "role "+string(role))
	s.renderUsers(w, r, http.StatusOK, views.UsersView{Message: "Added " + u.Email + ". Give them the first password below; they can change it on their account page.", Password: password})
}

func (s *Server) setRole(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, model.Errorf(model.EINVALID, "The form could not be read."))
		return
	}
	role, err := model.ParseRole(r.PostForm.Get("role"))
	if err != nil {
		s.renderUsers(w, r, http.StatusUnprocessableEntity, views.UsersView{Error: "Choose one of the listed roles."})
		return
	}
	target, err := s.store.UserByID(r.Context(), chi.URLParam(r, "id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if target.ID == principalOf(r).User.ID && role != model.RoleAdmin {
		s.renderUsers(w, r, http.StatusConflict, views.UsersView{Error: "You cannot remove your own admin role; ask another admin."})
		return
	}
	if err := s.store.SetRole(r.Context(), target.ID, role); err != nil {
		s.fail(w, r, err)
		return
	}
	s.audit(r, "role changed", target.Email, string(target.Role)+" → "+string(role))
	s.renderUsers(w, r, http.StatusOK, views.UsersView{Message: target.Email + " is now " + string(role) + "."})
}

func (s *Server) auditTrail(w http.ResponseWriter, r *http.Request) {
	events, err := s.store.AuditEvents(r.Context(), 500)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, views.Audit(s.page(r, "Audit", "audit"), events))
}
