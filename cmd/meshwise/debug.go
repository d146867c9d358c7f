package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"net/netip"
	"time"
)

// parseDebugAddr accepts MESHWISE_DEBUG_ADDR only on a loopback address:
// profiles reveal memory contents and cost CPU, so they are never served to
// the network, and never on the main listener.
func parseDebugAddr(v string) (string, error) {
	host, port, err := net.SplitHostPort(v)
	if err == nil && port != "" {
		if ip, perr := netip.ParseAddr(host); perr == nil && ip.IsLoopback() {
			return v, nil
		}
	}
	return "", fmt.Errorf("MESHWISE_DEBUG_ADDR=%q: want a loopback host:port, e.g. 127.0.0.1:6060", v)
}

// startDebug serves net/http/pprof on addr (loopback, see parseDebugAddr)
// and returns a function that stops it.
func startDebug(addr string, log *slog.Logger) (func(), error) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("MESHWISE_DEBUG_ADDR=%s: %w", addr, err)
	}
	// No write timeout: a CPU profile streams for as long as it was asked.
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	log.Info("serving profiles on the debug listener", "addr", ln.Addr().String())
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
