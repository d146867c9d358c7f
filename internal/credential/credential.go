// Package credential is the one place meshwise makes and checks secrets:
// argon2id password hashes, first passwords, and API tokens with their
// stored hashes. The web server, the meshwise command and the test helpers
// all use it, so a token minted anywhere looks and hashes the same.
package credential

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"

	"meshwise/model"
)

// TokenPrefix starts every API token, so secret scanners can spot them.
const TokenPrefix = "mw_"

// tokenLabelLength is how many characters of a token are kept in clear to
// tell tokens apart: the prefix and 6 of its 43 random characters.
const tokenLabelLength = len(TokenPrefix) + 6

// NewToken returns a fresh API token secret: the prefix and 256 random bits
// in unpadded base64url.
func NewToken() string {
	return TokenPrefix + base64.RawURLEncoding.EncodeToString(random(32))
}

// IsToken reports whether s has the shape of a token secret, so a malformed
// one is refused without a lookup.
func IsToken(s string) bool {
	return strings.HasPrefix(s, TokenPrefix) && len(s) > tokenLabelLength
}

// TokenLabel is the part of a secret stored in clear and shown in lists.
func TokenLabel(secret string) string {
	if len(secret) < tokenLabelLength {
		return secret
	}
	return secret[:tokenLabelLength]
}

// HashToken is how a token is stored and looked up: SHA-256 of the secret.
// Tokens carry 256 random bits, so a fast hash is enough.
func HashToken(secret string) []byte {
	sum := sha256.Sum256([]byte(secret))
	return sum[:]
}

// NewPassword returns a random first password of 20 URL-safe characters
// (120 bits), shown once to the person it is for.
func NewPassword() string {
	return base64.RawURLEncoding.EncodeToString(random(15))
}

// MinPasswordLength follows NIST SP 800-63B's floor for chosen passwords,
// raised to 12.
const MinPasswordLength = 12

// CheckPassword returns an EINVALID error naming "password" when a new
// password is too weak or too long to hash sensibly.
func CheckPassword(pw string) error {
	if len([]rune(pw)) < MinPasswordLength {
		return &model.Error{Code: model.EINVALID, Message: "The password is too short.",
			Fields: []model.FieldError{{Field: "password", Message: fmt.Sprintf("must be at least %d characters", MinPasswordLength)}}}
	}
	if len(pw) > 1024 {
		return &model.Error{Code: model.EINVALID, Message: "The password is too long.",
			Fields: []model.FieldError{{Field: "password", Message: "must be at most 1024 bytes"}}}
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
	saltLength   = 16
)

// HashPassword derives an argon2id hash, in the PHC string format, of a
// password with a fresh random salt.
func HashPassword(pw string) string {
	return hashPassword(pw, random(saltLength))
}

func hashPassword(pw string, salt []byte) string {
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// VerifyPassword reports whether pw matches a PHC argon2id hash, in time
// that does not depend on where they differ. Absurd parameters (a hash
// planted to make sign-in burn memory) are refused, not computed.
func VerifyPassword(pw, encoded string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var m, t uint32
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
	if err != nil || len(want) == 0 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// random returns n bytes from the operating system's CSPRNG; crypto/rand
// never fails on supported platforms (Go 1.24+ crashes instead).
func random(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}
