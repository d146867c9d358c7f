package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"
)

// bareRoute is one answer of the bare server: requests with this method
// whose path starts with prefix get body with this content type.
type bareRoute struct {
	method, prefix, contentType string
	body                        []byte
}

// routeFlags collects repeated -route METHOD:PREFIX=TYPE:FILE flags.
type routeFlags []bareRoute

func (r *routeFlags) String() string { return fmt.Sprint(len(*r), " routes") }

func (r *routeFlags) Set(v string) error {
	left, right, ok := strings.Cut(v, "=")
	method, prefix, ok1 := strings.Cut(left, ":")
	// The content type may hold ';' and '=' but never ':' followed by '/'.
	i := strings.LastIndex(right, ":/")
	if !ok || !ok1 || i < 0 {
		return fmt.Errorf("-route %q: want METHOD:PREFIX=CONTENT-TYPE:/absolute/file", v)
	}
	body, err := os.ReadFile(right[i+1:])
	if err != nil {
		return err
	}
	*r = append(*r, bareRoute{method: method, prefix: prefix, contentType: right[:i], body: body})
	return nil
}

// runBare serves constant bodies: the baseline meshwise is compared with.
// It does what any handler must (read the request, write the answer) and
// nothing else.
func runBare(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("bare", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:0", "loopback address to listen on")
	var routes routeFlags
	fs.Var(&routes, "route", "METHOD:PREFIX=CONTENT-TYPE:/file (repeat)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if !strings.HasPrefix(*addr, "127.0.0.1:") {
		return fmt.Errorf("-addr %s: the bare server only listens on 127.0.0.1", *addr)
	}
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" {
			w.WriteHeader(http.StatusOK)
			return
		}
		for _, rt := range routes {
			if r.Method == rt.method && strings.HasPrefix(r.URL.Path, rt.prefix) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", rt.contentType)
				_, _ = w.Write(rt.body)
				return
			}
		}
		http.NotFound(w, r)
	})
	srv := &http.Server{Addr: *addr, Handler: handler, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(sctx)
	}()
	if err := srv.ListenAndServe(); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
