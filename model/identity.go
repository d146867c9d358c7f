package model

import (
	"strings"
	"time"
)

// Role decides what a person may do. Roles are ordered: each may do all
// that the ones before it may.
type Role string

// The roles, lowest first.
const (
	RoleViewer    Role = "viewer"    // reads results and the archive
	RoleArchitect Role = "architect" // creates assessments and proposes records
	RoleApprover  Role = "approver"  // approves or rejects records
	RoleAdmin     Role = "admin"     // manages users and keys
)

// Roles lists every role, lowest first.
var Roles = []Role{RoleViewer, RoleArchitect, RoleApprover, RoleAdmin}

func (r Role) rank() int {
	for i, x := range Roles {
		if x == r {
			return i + 1
		}
	}
	return 0
}

// AtLeast reports whether r may do what min may.
func (r Role) AtLeast(min Role) bool { return r.rank() > 0 && r.rank() >= min.rank() }

// ParseRole checks a role name.
func ParseRole(s string) (Role, error) {
	r := Role(strings.TrimSpace(strings.ToLower(s)))
	if r.rank() == 0 {
		return "", invalid("role", "must be one of viewer, architect, approver or admin")
	}
	return r, nil
}

// User is a person who signs in.
type User struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      Role      `json:"role"`
	Disabled  bool      `json:"disabled"`
	CreatedAt time.Time `json:"created_at"`
	// SessionEpoch counts password changes; a session signed in under an
	// older epoch is over.
	SessionEpoch int `json:"-"`
}

// Principal is who is making a request and with what role: a token may
// carry less than its creator's role.
type Principal struct {
	User User
	Role Role   // effective role
	Via  string // "session", "token" or "proxy"
}

// ByToken reports whether the request carries an API token rather than a
// person signed in (by session or through a trusted proxy).
func (p Principal) ByToken() bool { return p.Via == "token" }

// NormalizeEmail lower-cases and trims an address, and checks its shape.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndex(e, "@")
	if len(e) < 3 || len(e) > 254 || at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n<>") {
		return "", invalid("email", "must be an email address such as ana@example.com")
	}
	return e, nil
}

// CheckFourEyes refuses an approval by the person who proposed the record.
func CheckFourEyes(approverID, proposerID string) error {
	if approverID == proposerID {
		return Errorf(EFORBIDDEN, "You proposed this record, so you cannot approve it: another approver must (four eyes).")
	}
	return nil
}

// APIToken is a credential for the CLI and pipelines. Only its hash is
// stored; the secret is shown once, at creation.
type APIToken struct {
	ID         string     `json:"id"`
	UserID     string     `json:"user_id"`
	Name       string     `json:"name"`
	Role       Role       `json:"role"`
	Prefix     string     `json:"prefix"` // the first characters, to tell tokens apart
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
}

// AuditEvent is one identity event: a sign-in, a failure, a role change, a
// token created or revoked.
type AuditEvent struct {
	At         time.Time `json:"at"`
	Event      string    `json:"event"`
	ActorID    string    `json:"actor_id,omitempty"`
	ActorEmail string    `json:"actor_email"`
	Subject    string    `json:"subject"`
	Address    string    `json:"address"`
	Detail     string    `json:"detail"`
}
