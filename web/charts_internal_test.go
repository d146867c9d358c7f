package web

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestAxisMoney(t *testing.T) {
	assert.Equal(t, "$0", axisMoney(0, "USD"))
	assert.Equal(t, "$500", axisMoney(500, "USD"))
	assert.Equal(t, "$25k", axisMoney(25000, "USD"))
	assert.Equal(t, "€1.5M", axisMoney(1.5e6, "EUR"))
	assert.Equal(t, "CHF 2k", axisMoney(2000, "CHF"))
}
