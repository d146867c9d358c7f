package model

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRolesAreOrdered(t *testing.T) {
	tests := []struct {
		have, need Role
		ok         bool
	}{
		{RoleViewer, RoleViewer, true}, {RoleViewer, RoleArchitect, false},
		{RoleArchitect, RoleViewer, true}, {RoleArchitect, RoleApprover, false},
		{RoleApprover, RoleArchitect, true}, {RoleApprover, RoleAdmin, false},
		{RoleAdmin, RoleApprover, true}, {Role("root"), RoleViewer, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.ok, tt.have.AtLeast(tt.need), "%s at least %s", tt.have, tt.need)
	}
	r, err := ParseRole(" Approver ")
	require.NoError(t, err)
	assert.Equal(t, RoleApprover, r)
	_, err = ParseRole("root")
	assert.Equal(t, EINVALID, ErrorCode(err))
}

func TestFourEyes(t *testing.T) {
	assert.NoError(t, CheckFourEyes("approver-1", "architect-1"))
	err := CheckFourEyes("same", "same")
	assert.Equal(t, EFORBIDDEN, ErrorCode(err))
}

func TestEmailChecks(t *testing.T) {
	e, err := NormalizeEmail("  Ana@Example.COM ")
	require.NoError(t, err)
	assert.Equal(t, "ana@example.com", e)
	for _, bad := range []string{"", "ana", "@example.com", "ana@", "a b@c.d"} {
		_, err := NormalizeEmail(bad)
		assert.Equal(t, EINVALID, ErrorCode(err), bad)
	}
}
