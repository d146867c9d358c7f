package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// request is one of the requests a scenario rotates over.
type request struct {
	Path string
	Body []byte
}

// load is what a generator sends: the same method and headers, rotating
// over the requests, on keep-alive connections.
type load struct {
	Method   string
	Header   http.Header
	Requests []request
}

// result is one measured run.
type result struct {
	Requests int
	Failed   int // non-2xx answers and socket errors
	PerSec   float64
	P50, P99 time.Duration
}

// generator drives a server with a load for a while.
type generator interface {
	Name() string
	Run(ctx context.Context, base string, l load, connections, threads int, d time.Duration) (result, error)
}

func pickGenerator(name string) (generator, error) {
	wrkPath, err := exec.LookPath("wrk")
	switch {
	case name == "go" || (name == "auto" && err != nil):
		return goGenerator{}, nil
	case name == "wrk" || name == "auto":
		if err != nil {
			return nil, fmt.Errorf("-generator wrk: wrk is not installed (Debian: apt-get install wrk)")
		}
		return wrkGenerator{path: wrkPath}, nil
	default:
		return nil, fmt.Errorf("-generator %q: want auto, wrk or go", name)
	}
}

// wrkGenerator runs wrk with a Lua script that rotates the requests.
type wrkGenerator struct{ path string }

func (w wrkGenerator) Name() string {
	out, _ := exec.Command(w.path, "-v").CombinedOutput()
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0])
}

func (w wrkGenerator) Run(ctx context.Context, base string, l load, connections, threads int, d time.Duration) (result, error) {
	dir, err := os.MkdirTemp("", "loadbench-wrk-")
	if err != nil {
		return result{}, err
	}
	defer os.RemoveAll(dir)
	script := filepath.Join(dir, "rotate.lua")
	if err := os.WriteFile(script, []byte(luaScript(l)), 0o600); err != nil {
		return result{}, err
	}
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, w.path, "-t"+strconv.Itoa(threads), "-c"+strconv.Itoa(connections),
		"-d"+strconv.Itoa(secs)+"s", "--latency", "--timeout", "10s", "-s", script, base)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return result{}, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	return parseWrk(string(out))
}

// luaScript rotates over the requests; each wrk thread starts at its own
// offset so the threads do not move in step.
func luaScript(l load) string {
	var b strings.Builder
	b.WriteString("local items = {\n")
	for _, r := range l.Requests {
		fmt.Fprintf(&b, "  {%s, %s},\n", luaString(r.Path), luaString(string(r.Body)))
	}
	b.WriteString("}\nlocal headers = {\n")
	keys := make([]string, 0, len(l.Header))
	for k := range l.Header {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, "  [%s] = %s,\n", luaString(k), luaString(l.Header.Get(k)))
	}
	fmt.Fprintf(&b, "}\nlocal method = %s\n", luaString(l.Method))
	b.WriteString(`local n = 0
local thread_no = 0
setup = function(thread)
  thread:set("offset", thread_no * 17)
  thread_no = thread_no + 1
end
init = function(args)
  n = offset or 0
end
request = function()
  n = n + 1
  local it = items[(n % #items) + 1]
  local body = nil
  if #it[2] > 0 then body = it[2] end
  return wrk.format(method, it[1], headers, body)
end
`)
	return b.String()
}

// luaString quotes s as a Lua string literal.
func luaString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, c := range []byte(s) {
		switch {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03d", c)
		default:
			b.WriteByte(c)
		}
	}
	b.WriteByte('"')
	return b.String()
}

var (
	wrkRate    = regexp.MustCompile(`Requests/sec:\s+([0-9.]+)`)
	wrkTotal   = regexp.MustCompile(`(\d+) requests in`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSocket  = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
	wrkPercent = regexp.MustCompile(`(?m)^\s+(50|99)%\s+([0-9.]+)(us|ms|s)\s*$`)
)

// parseWrk reads the figures out of wrk's report.
func parseWrk(out string) (result, error) {
	var r result
	m := wrkRate.FindStringSubmatch(out)
	t := wrkTotal.FindStringSubmatch(out)
	if m == nil || t == nil {
		return r, fmt.Errorf("wrk printed no rate:\n%s", out)
	}
	r.PerSec, _ = strconv.ParseFloat(m[1], 64)
	r.Requests, _ = strconv.Atoi(t[1])
	if m := wrkNon2xx.FindStringSubmatch(out); m != nil {
		n, _ := strconv.Atoi(m[1])
		r.Failed += n
	}
	if m := wrkSocket.FindStringSubmatch(out); m != nil {
		for _, s := range m[1:] {
			n, _ := strconv.Atoi(s)
			r.Failed += n
		}
	}
	for _, m := range wrkPercent.FindAllStringSubmatch(out, -1) {
		v, _ := strconv.ParseFloat(m[2], 64)
		unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second}[m[3]]
		d := time.Duration(v * float64(unit))
		if m[1] == "50" {
			r.P50 = d
		} else {
			r.P99 = d
		}
	}
	if r.P99 == 0 {
		return r, fmt.Errorf("wrk printed no latency distribution:\n%s", out)
	}
	return r, nil
}

// goGenerator is the fallback when wrk is missing: one goroutine per
// connection, each on its own keep-alive connection.
type goGenerator struct{}

func (goGenerator) Name() string { return "loadbench's Go generator (wrk not installed)" }

func (goGenerator) Run(ctx context.Context, base string, l load, connections, _ int, d time.Duration) (result, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	var mu sync.Mutex
	var all []time.Duration
	var r result
	var wg sync.WaitGroup
	started := time.Now()
	for c := range connections {
		wg.Add(1)
		go func() {
			defer wg.Done()
			client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1, MaxConnsPerHost: 1}, Timeout: 10 * time.Second}
			var lat []time.Duration
			failed := 0
			for n := c * 17; ctx.Err() == nil; n++ {
				rq := l.Requests[n%len(l.Requests)]
				req, _ := http.NewRequestWithContext(ctx, l.Method, base+rq.Path, bytes.NewReader(rq.Body))
				req.Header = l.Header.Clone()
				t0 := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				if ctx.Err() != nil {
					break
				}
				lat = append(lat, time.Since(t0))
				if err != nil || resp.StatusCode >= 400 {
					failed++
				}
			}
			mu.Lock()
			all = append(all, lat...)
			r.Failed += failed
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(started)
	if len(all) == 0 {
		return r, fmt.Errorf("no request finished")
	}
	slices.Sort(all)
	r.Requests = len(all)
	r.PerSec = float64(len(all)) / elapsed.Seconds()
	r.P50 = all[len(all)/2]
	r.P99 = all[min(len(all)-1, len(all)*99/100)]
	return r, nil
}
