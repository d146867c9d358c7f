package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store/storetest"
)

// A request in flight when the signal arrives is finished, not cut off;
// new connections are refused once shutdown has begun.
func TestShutdownFinishesInFlightRequests(t *testing.T) {
	db := storetest.NewDatabase(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	viewer := seed(t, db, "viewer@example.com", model.RoleViewer)

	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	env := envOf(map[string]string{"DATABASE_URL": storetest.URLs(t, db).App, "MESHWISE_ADDR": addr, "MESHWISE_SIGNING_KEY_FILE": t.TempDir() + "/k"})
	go func() { done <- run(ctx, []string{"serve"}, env, io.Discard, io.Discard) }()
	waitReady(t, &server{URL: "http://" + addr, logs: &syncBuffer{}}, 20*time.Second)

	// Send the headers and half the body, then signal, then the rest.
	body := `{"title":"in flight","pods":120}`
	conn, err := net.Dial("tcp", addr)
	require.NoError(t, err)
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/v1/estimates HTTP/1.1\r\nHost: %s\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, viewer.Token, len(body), body[:10])
	time.Sleep(200 * time.Millisecond)
	stop()
	time.Sleep(200 * time.Millisecond)
	_, err = conn.Write([]byte(body[10:]))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	require.NoError(t, err)
	defer resp.Body.Close()
	answer, _ := io.ReadAll(resp.Body)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.True(t, strings.Contains(string(answer), `"pods":120`), "the in-flight estimate was answered in full")

	select {
	case err := <-done:
		assert.NoError(t, err, "a clean exit after draining")
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	_, err = net.DialTimeout("tcp", addr, time.Second)
	assert.Error(t, err, "nothing listens after shutdown")
}
