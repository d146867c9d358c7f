package model

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"time"

	"golang.org/x/crypto/argon2"
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
}

// Principal is who is making a request and with what role: a token may
// carry less than its creator's role.
type Principal struct {
	User User
	Role Role   // effective role
	Via  string // "session", "token" or "proxy"
}

// NormalizeEmail lower-cases and trims an address, and checks its shape.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	at := strings.LastIndex(e, "@")
	if len(e) < 3 || len(e) > 254 || at < 1 || at == len(e)-1 || strings.ContainsAny(e, " \t\r\n<>") {
		return "", invalid("email", "must be an email address such as ana@example.com")
	}
	return e, nil
}

// MinPasswordLength follows NIST SP 800-63B's floor for chosen passwords,
// raised to 12.
const MinPasswordLength = 12

// CheckPassword returns an EINVALID error when a new password is too weak.
func CheckPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return invalid("password", fmt.Sprintf("must be at least %d characters", MinPasswordLength))
	}
	if len(pw) > 1024 {
		return invalid("password", "must be at most 1024 bytes")
	}
	return nil
}

// argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes,
// 1 lane).
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword derives an argon2id hash in the PHC string format from a
// password and a random salt the caller supplies (16 bytes or more).
func HashPassword(pw string, salt []byte) string {
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches a PHC argon2id hash, in time
// that does not depend on where they differ.
func VerifyPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m > 1<<20 || t > 10 || p == 0 {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
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

// TokenPrefix starts every API token, so secret scanners can spot them.
const TokenPrefix = "mw_"

// HashToken is how a token is stored and looked up: SHA-256 of the secret.
// Tokens carry 256 random bits, so a fast hash is enough.
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}
