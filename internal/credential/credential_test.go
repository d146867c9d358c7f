package credential

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

func TestPasswordHashing(t *testing.T) {
	h := hashPassword("correct horse battery staple", []byte("0123456789abcdef"))
	assert.Regexp(t, `^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$`, h)
	assert.True(t, VerifyPassword("correct horse battery staple", h))
	assert.False(t, VerifyPassword("correct horse battery stapl", h))
	assert.False(t, VerifyPassword("", h))
	assert.False(t, VerifyPassword("x", "$argon2id$v=19$m=99999999,t=2,p=1$c2FsdA$aGFzaA"), "absurd parameters are refused, not computed")
	assert.False(t, VerifyPassword("x", "not a hash"))
	assert.False(t, VerifyPassword("x", ""), "an account without a password never matches")
	assert.NotEqual(t, h, hashPassword("correct horse battery staple", []byte("fedcba9876543210")), "the salt matters")

	a, b := HashPassword("same password here"), HashPassword("same password here")
	assert.NotEqual(t, a, b, "each hash has a fresh salt")
	assert.True(t, VerifyPassword("same password here", a))
	assert.True(t, VerifyPassword("same password here", b))
}

func TestTokens(t *testing.T) {
	a, b := NewToken(), NewToken()
	assert.NotEqual(t, a, b)
	assert.Regexp(t, `^mw_[A-Za-z0-9_-]{43}$`, a, "prefix and 256 bits in base64url")
	assert.True(t, IsToken(a))
	assert.False(t, IsToken("mw_"))
	assert.False(t, IsToken("ghp_0123456789"))
	assert.Equal(t, a[:9], TokenLabel(a))
	assert.Equal(t, "mw_", TokenLabel("mw_"))
	// SHA-256("mw_test"): stored hashes stay comparable across releases.
	assert.Equal(t, "7c66e09e8ad30a2b3416305d5b5f557f05f3165c294b51181dab0d312fdf8cf3", hex.EncodeToString(HashToken("mw_test")))
	assert.NotEqual(t, HashToken(a), HashToken(b))
}

func TestNewPassword(t *testing.T) {
	seen := map[string]bool{}
	for i := 0; i < 100; i++ {
		p := NewPassword()
		require.Len(t, p, 20)
		assert.NotContains(t, p, "=")
		assert.NoError(t, CheckPassword(p), "a first password passes the policy")
		assert.False(t, seen[p])
		seen[p] = true
	}
}

func TestCheckPassword(t *testing.T) {
	err := CheckPassword("short")
	assert.Equal(t, model.EINVALID, model.ErrorCode(err))
	assert.Equal(t, "must be at least 12 characters", model.ErrorFieldMessage(err))
	assert.NoError(t, CheckPassword("long enough passphrase"))
	assert.NoError(t, CheckPassword(strings.Repeat("é", 12)), "characters, not bytes")
	assert.Error(t, CheckPassword(strings.Repeat("x", 1025)))
}
