package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

// server is a real meshwise started through run(), as main starts it.
type server struct {
	URL  string
	logs *syncBuffer
}

// startServer runs `meshwise serve` on a free loopback port against the
// test database databaseURL names, as a deployment does: signed in as the
// application role, migrating as the owner. It stops the server (gracefully)
// when the test ends. extraEnv may override either URL.
func startServer(t *testing.T, databaseURL string, extraEnv map[string]string) *server {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	env := map[string]string{
		"MESHWISE_ADDR":               addr,
		"MESHWISE_DB_CONNECT_TIMEOUT": "1s",
		"MESHWISE_LOG_FORMAT":         "json",
		"MESHWISE_SIGNING_KEY_FILE":   filepath.Join(t.TempDir(), "signing.key"),
	}
	if _, ok := extraEnv["DATABASE_URL"]; !ok {
		db := storetest.URLs(t, databaseURL)
		env["DATABASE_URL"], env["MESHWISE_MIGRATE_DATABASE_URL"] = db.App, db.Owner
	}
	for k, v := range extraEnv {
		env[k] = v
	}
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), io.Discard, logs) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not stop within 30s of the signal")
		}
	})
	s := &server{URL: "http://" + addr, logs: logs}
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			t.Fatalf("serve exited early: %v\n%s", err, logs.String())
		default:
		}
		if resp, err := http.Get(s.URL + "/healthz"); err == nil {
			resp.Body.Close()
			return s
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("server did not answer /healthz within 20s\n%s", logs.String())
	return nil
}

// waitReady polls /readyz until it answers 200.
func waitReady(t *testing.T, s *server, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(s.URL + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("/readyz not 200 within %s\n%s", within, s.logs.String())
}

// newBrowser starts headless Debian Chromium for one test.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	path := chromiumPath()
	if path == "" {
		if storetest.Required() {
			t.Fatal("chromium is not installed: `make test` installs it (apt-get install chromium)")
		}
		t.Skip("chromium is not installed")
	}
	dir, err := os.MkdirTemp("", "meshwise-chromium-")
	require.NoError(t, err)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.UserDataDir(dir),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.WindowSize(1280, 900),
	)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(allocCtx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	})
	require.NoError(t, chromedp.Run(ctx), "start chromium")
	return ctx
}

func chromiumPath() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// syncBuffer collects a server's log lines from several goroutines.
type syncBuffer struct {
	mu  sync.Mutex
	buf []byte
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.buf = append(b.buf, p...)
	return len(p), nil
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return string(b.buf)
}

func get(t *testing.T, url string) (*http.Response, string) {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// person is a user seeded straight into a test database.
type person struct {
	Email, Password, Token string
}

// seed adds a user with a password and an API token of the same role.
func seed(t *testing.T, databaseURL, email string, role model.Role) person {
	t.Helper()
	st, err := store.Open(context.Background(), databaseURL, store.Options{})
	require.NoError(t, err)
	defer st.Close()
	_, err = st.Migrate(context.Background())
	require.NoError(t, err)
	u, password := storetest.AddUser(t, st, email, role)
	return person{Email: email, Password: password, Token: storetest.AddToken(t, st, u, role)}
}

// getAs fetches a URL with an API token.
func getAs(t *testing.T, url, token string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, string(body)
}

// signInBrowser signs a person in through the login page.
func signInBrowser(base string, p person) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.Navigate(base + "/login"),
		chromedp.WaitVisible(`[data-testid="login-form"]`, chromedp.ByQuery),
		chromedp.SetValue(`#email`, p.Email, chromedp.ByQuery),
		chromedp.SetValue(`#password`, p.Password, chromedp.ByQuery),
		chromedp.Click(`[data-testid="sign-in"]`, chromedp.ByQuery),
		chromedp.WaitVisible(`[data-testid="signed-in-as"]`, chromedp.ByQuery),
	}
}
