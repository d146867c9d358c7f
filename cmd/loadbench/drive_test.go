package main

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A report as wrk 4.1.0 prints it with --latency.
const wrkReport = `Running 10s test @ http://127.0.0.1:41017
  2 threads and 64 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    36.63ms   40.51ms 201.61ms   85.12%
    Req/Sec     0.87k   180.22     1.30k    68.50%
  Latency Distribution
     50%   27.93ms
     75%   46.10ms
     90%   88.54ms
     99%  201.61ms
  17338 requests in 10.01s, 460.83MB read
  Non-2xx or 3xx responses: 3
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:   1732.05
Transfer/sec:     46.04MB
`

func TestParseWrk(t *testing.T) {
	r, err := parseWrk(wrkReport)
	require.NoError(t, err)
	assert.Equal(t, result{Requests: 17338, Failed: 6, PerSec: 1732.05, P50: 27930 * time.Microsecond, P99: 201610 * time.Microsecond}, r)

	for _, broken := range []string{"", strings.Replace(wrkReport, "Requests/sec", "Req", 1), strings.Replace(wrkReport, "99%", "98%", 1)} {
		_, err := parseWrk(broken)
		assert.Error(t, err)
	}
}

func TestLuaString(t *testing.T) {
	for in, want := range map[string]string{
		`{"title":"a\"b"}`: `"{\"title\":\"a\\\"b\"}"`,
		"line\nnext":       `"line\010next"`,
		"é":                `"\195\169"`,
	} {
		assert.Equal(t, want, luaString(in), in)
	}
}

// The generated script is valid Lua that wrk accepts, when wrk is here.
func TestLuaScriptRunsInWrk(t *testing.T) {
	wrk, err := exec.LookPath("wrk")
	if err != nil {
		t.Skip("wrk is not installed")
	}
	script := filepath.Join(t.TempDir(), "s.lua")
	l := load{Method: http.MethodPost, Header: http.Header{"Content-Type": {"application/json"}},
		Requests: []request{{Path: "/a", Body: []byte(`{"x":"é\n"}`)}, {Path: "/b"}}}
	require.NoError(t, os.WriteFile(script, []byte(luaScript(l)), 0o600))
	// Port 9 (discard) on loopback refuses connections; wrk still loads the script first.
	out, _ := exec.Command(wrk, "-t1", "-c1", "-d1s", "-s", script, "http://127.0.0.1:9").CombinedOutput()
	assert.NotContains(t, string(out), script+":", "wrk reports a script error as FILE: message")
}

func TestRouteFlag(t *testing.T) {
	file := filepath.Join(t.TempDir(), "body")
	require.NoError(t, os.WriteFile(file, []byte("hello"), 0o600))
	var r routeFlags
	require.NoError(t, r.Set("GET:/assessments/=text/html; charset=utf-8:"+file))
	assert.Equal(t, bareRoute{method: "GET", prefix: "/assessments/", contentType: "text/html; charset=utf-8", body: []byte("hello")}, r[0])
	assert.Error(t, r.Set("GET/x=text/html:"+file))
	assert.Error(t, r.Set("GET:/x=text/html:relative/file"))
}
