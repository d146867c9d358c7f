package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// safeNext keeps the redirect after sign-in on this site, whatever a link
// puts in ?next=.
func TestSafeNext(t *testing.T) {
	tests := []struct{ next, want string }{
		{"", "/"},
		{"/", "/"},
		{"/archive", "/archive"},
		{"/archive?q=payments&status=approved", "/archive?q=payments&status=approved"},
		{"/assessments/1/results#verdict", "/assessments/1/results#verdict"},
		{"/%2F%2Fevil.example", "/%2F%2Fevil.example"}, // an escaped slash stays a path
		{"/\t/evil.example", "/"},                      // browsers drop tabs: //evil.example
		{"/\n/evil.example", "/"},
		{"/\r/evil.example", "/"},
		{"/ /evil.example", "/"},
		{"/\x00/evil.example", "/"},
		{"/\x7f/evil.example", "/"},
		{"//evil.example", "/"},
		{"///evil.example", "/"},
		{"/\\evil.example", "/"},
		{"\\/evil.example", "/"},
		{"/a\\b", "/"},
		{"https://evil.example", "/"},
		{"https:/evil.example", "/"},
		{"javascript:alert(1)", "/"},
		{"evil.example", "/"},
		{"/\u3000/evil.example", "/"},
		{"/\u2028", "/"},
		{"/\xff", "/"},
		{"/%zz", "/"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, safeNext(tt.next), "safeNext(%q)", tt.next)
	}
}
