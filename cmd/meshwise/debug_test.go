package main

import (
	"net"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/store/storetest"
)

// Profiles are served on the loopback debug listener only, never on the
// main one.
func TestDebugListenerServesProfilesOnLoopbackOnly(t *testing.T) {
	db := storetest.NewDatabase(t)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	debugAddr := l.Addr().String()
	require.NoError(t, l.Close())
	s := startServer(t, db, map[string]string{"MESHWISE_DEBUG_ADDR": debugAddr})

	resp, body := get(t, "http://"+debugAddr+"/debug/pprof/")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "goroutine")
	resp, _ = get(t, "http://"+debugAddr+"/debug/pprof/profile?seconds=1")
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/octet-stream", resp.Header.Get("Content-Type"))

	resp, _ = get(t, s.URL+"/debug/pprof/")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the main listener has no profiles")
	resp, _ = get(t, "http://"+debugAddr+"/")
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "the debug listener has nothing but profiles")
}
