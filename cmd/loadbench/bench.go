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
	"runtime"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// scenario is one page or endpoint measured against the bare handler.
type scenario struct {
	Key, Name  string
	BarePrefix string // the bare server answers this path prefix with the sample
	Load       load
}

// measured is one scenario's outcome.
type measured struct {
	scenario
	Bare, Meshwise result
	BodyBytes      int
}

func scenarios(f fixture) []scenario {
	est := load{Method: http.MethodPost, Header: http.Header{
		"Authorization": {"Bearer " + f.Token}, "Content-Type": {"application/json"}}}
	for _, b := range f.Estimates {
		est.Requests = append(est.Requests, request{Path: "/api/v1/estimates", Body: b})
	}
	res := load{Method: http.MethodGet, Header: http.Header{"Cookie": {f.Cookie}}}
	for _, id := range f.Assessments {
		res.Requests = append(res.Requests, request{Path: "/assessments/" + id + "/results"})
	}
	arch := load{Method: http.MethodGet, Header: http.Header{"Cookie": {f.Cookie}}, Requests: []request{{Path: "/archive"}}}
	return []scenario{
		{"estimate", "POST /api/v1/estimates, token", "/api/v1/estimates", est},
		{"results", "GET results page, signed in", "/assessments/", res},
		{"archive", "GET /archive, signed in", "/archive", arch},
	}
}

// sample sends a scenario's first request once and returns the answer, for
// the bare server to serve.
func sample(base string, l load) ([]byte, string, error) {
	rq := l.Requests[0]
	req, err := http.NewRequest(l.Method, base+rq.Path, bytes.NewReader(rq.Body))
	if err != nil {
		return nil, "", err
	}
	req.Header = l.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("%s %s: status %d: %.300s", l.Method, rq.Path, resp.StatusCode, body)
	}
	return body, resp.Header.Get("Content-Type"), err
}

// bench starts meshwise, seeds it, starts the bare server with the same
// bodies, measures every scenario on both, and prints the ratios.
func bench(ctx context.Context, o options, gen generator, out io.Writer) error {
	dir, err := os.MkdirTemp("", "loadbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	addr, err := freeAddr()
	if err != nil {
		return err
	}
	debugAddr, err := freeAddr()
	if err != nil {
		return err
	}
	mw, err := start(ctx, "meshwise", dir, addr, "/readyz", []string{
		"DATABASE_URL=" + o.Database, "MESHWISE_MIGRATE_DATABASE_URL=" + o.MigrateDB, "MESHWISE_ADDR=" + addr, "MESHWISE_DEBUG_ADDR=" + debugAddr,
		"MESHWISE_SIGNING_KEY_FILE=" + filepath.Join(dir, "signing.key"), "MESHWISE_LOG_FORMAT=json",
	}, o.Meshwise, "serve")
	if err != nil {
		return err
	}
	defer mw.stop()
	fmt.Fprintf(out, "seeding %d assessments, records and API bodies through HTTP ...\n", o.Variants)
	f, err := seed(ctx, o, mw.URL)
	if err != nil {
		return err
	}
	all := scenarios(f)
	barePort, err := freeAddr()
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	bareArgs := []string{"bare", "-addr", barePort}
	sizes := map[string]int{}
	for _, sc := range all {
		body, ctype, err := sample(mw.URL, sc.Load)
		if err != nil {
			return err
		}
		sizes[sc.Key] = len(body)
		file := filepath.Join(dir, sc.Key+".body")
		if err := os.WriteFile(file, body, 0o600); err != nil {
			return err
		}
		bareArgs = append(bareArgs, "-route", sc.Load.Method+":"+sc.BarePrefix+"="+ctype+":"+file)
	}
	bare, err := start(ctx, "bare", dir, barePort, "/healthz", nil, self, bareArgs...)
	if err != nil {
		return err
	}
	defer bare.stop()

	printMachine(out, o, gen)
	var results []measured
	for _, sc := range all {
		if o.Only != "" && o.Only != sc.Key {
			continue
		}
		m := measured{scenario: sc, BodyBytes: sizes[sc.Key]}
		for _, target := range []struct {
			base string
			into *result
		}{{bare.URL, &m.Bare}, {mw.URL, &m.Meshwise}} {
			// The warm-up only fills connection pools and caches; its
			// figures (even an empty run) are not used.
			if _, _ = gen.Run(ctx, target.base, sc.Load, o.Connections, o.Threads, o.Warmup); ctx.Err() != nil {
				return ctx.Err()
			}
			if *target.into, err = gen.Run(ctx, target.base, sc.Load, o.Connections, o.Threads, o.Duration); err != nil {
				return err
			}
		}
		fmt.Fprintf(out, "  %-34s bare %8.0f req/s  meshwise %8.0f req/s  ratio %.2f\n", sc.Name, m.Bare.PerSec, m.Meshwise.PerSec, m.Meshwise.PerSec/m.Bare.PerSec)
		results = append(results, m)
	}
	printResults(out, o, results)
	fmt.Fprintf(out, "load average after the runs: %s\n", loadAverage())
	for _, m := range results {
		if m.Bare.Failed > 0 || m.Meshwise.Failed > 0 {
			return fmt.Errorf("%s: %d bare and %d meshwise requests failed; see %s", m.Name, m.Bare.Failed, m.Meshwise.Failed, mw.log)
		}
	}
	if o.ProfileDir != "" {
		return profile(ctx, o, gen, "http://"+debugAddr, mw.URL, results, out)
	}
	return nil
}

func printMachine(out io.Writer, o options, gen generator) {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if name, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(name), ":"))
				break
			}
		}
	}
	fmt.Fprintf(out, "\nmachine: %s, %d CPUs (%s/%s), %s\n", cpu, runtime.NumCPU(), runtime.GOOS, runtime.GOARCH, runtime.Version())
	fmt.Fprintf(out, "load:    %s, %d threads, %d connections, %s per run after %s warm-up, 127.0.0.1 only\n",
		gen.Name(), o.Threads, o.Connections, o.Duration, o.Warmup)
	fmt.Fprintf(out, "         requests rotate over %d assessments (estimate API and results page)\n", o.Variants)
	fmt.Fprintf(out, "others:  load average %s before the runs (other work on the same cores skews every figure)\n\n", loadAverage())
}

// loadAverage is the first three fields of /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if f := strings.Fields(string(b)); err == nil && len(f) >= 3 {
		return strings.Join(f[:3], " ")
	}
	return "unknown"
}

func printResults(out io.Writer, o options, results []measured) {
	fmt.Fprintln(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "scenario\tbody\tbare req/s\tmeshwise req/s\tratio\tbare p99\tmeshwise p50\tmeshwise p99\tfailed\t")
	for _, m := range results {
		fmt.Fprintf(tw, "%s\t%d B\t%.0f\t%.0f\t%.2f\t%s\t%s\t%s\t%d\t\n", m.Name, m.BodyBytes, m.Bare.PerSec, m.Meshwise.PerSec,
			m.Meshwise.PerSec/m.Bare.PerSec, ms(m.Bare.P99), ms(m.Meshwise.P50), ms(m.Meshwise.P99), m.Bare.Failed+m.Meshwise.Failed)
	}
	tw.Flush()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2f ms", float64(d)/float64(time.Millisecond)) }

// profile loads meshwise once more per scenario while its loopback debug
// listener records a CPU profile, then prints the profile's top entries.
func profile(ctx context.Context, o options, gen generator, debugURL, base string, results []measured, out io.Writer) error {
	if err := os.MkdirAll(o.ProfileDir, 0o755); err != nil {
		return err
	}
	secs := max(2, int(o.Duration/time.Second)-1)
	for _, m := range results {
		file := filepath.Join(o.ProfileDir, m.Key+".pprof")
		errc := make(chan error, 1)
		go func() {
			resp, err := http.Get(fmt.Sprintf("%s/debug/pprof/profile?seconds=%d", debugURL, secs))
			if err != nil {
				errc <- err
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			if err == nil && resp.StatusCode != http.StatusOK {
				err = fmt.Errorf("profile: status %d: %s", resp.StatusCode, b)
			}
			if err == nil {
				err = os.WriteFile(file, b, 0o644)
			}
			errc <- err
		}()
		r, err := gen.Run(ctx, base, m.Load, o.Connections, o.Threads, o.Duration)
		if err != nil {
			return err
		}
		if err := <-errc; err != nil {
			return err
		}
		top, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=25", o.Meshwise, file).CombinedOutput()
		if err != nil {
			return fmt.Errorf("go tool pprof: %v\n%s", err, top)
		}
		fmt.Fprintf(out, "\n== CPU profile of meshwise under %s (%s)\n", m.Name, file)
		// CPU time per request barely depends on what else runs on the
		// machine, unlike requests per second.
		if cpu := profileSeconds(string(top)); cpu > 0 && r.Requests > 0 {
			fmt.Fprintf(out, "meshwise CPU per request: %.2f ms (%.2f s of samples, about %d requests in the %d s window)\n",
				cpu*1000/(r.PerSec*float64(secs)), cpu, int(r.PerSec*float64(secs)), secs)
		}
		fmt.Fprintf(out, "%s", top)
		cum, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount=40", o.Meshwise, file).CombinedOutput()
		if err == nil {
			_ = os.WriteFile(strings.TrimSuffix(file, ".pprof")+".cum.txt", cum, 0o644)
		}
	}
	return nil
}

var totalSamples = regexp.MustCompile(`Total samples = ([0-9.]+)(ms|s)`)

// profileSeconds reads "Total samples = 6.78s" from pprof's report.
func profileSeconds(top string) float64 {
	m := totalSamples.FindStringSubmatch(top)
	if m == nil {
		return 0
	}
	v, _ := strconv.ParseFloat(m[1], 64)
	if m[2] == "ms" {
		v /= 1000
	}
	return v
}
