package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// runRecord talks to a meshwise server for pipelines that keep decisions
// in git:
//
//	meshwise record propose -f decision.json [--server URL]
//	meshwise record show ID [--server URL]
//
// The token is MESHWISE_TOKEN (an API token from /account), never a flag,
// so it stays out of shell history and process lists. propose prints the
// new record's ID on stdout; show prints the record as JSON and exits 4
// unless it is approved and its entries verify.
func runRecord(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"usage: meshwise record propose -f decision.json | record show ID  [--server URL]"}
	}
	sub, args := args[0], args[1:]
	fs := flag.NewFlagSet("record "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	server := fs.String("server", firstNonEmpty(getenv("MESHWISE_URL"), "http://127.0.0.1:8080"), "meshwise's base URL (MESHWISE_URL)")
	file := fs.String("f", "", "the proposal as JSON (- for standard input)")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	token := getenv("MESHWISE_TOKEN")
	if token == "" {
		return usageError{"record: set MESHWISE_TOKEN to an API token (make one on /account)"}
	}
	base, err := url.Parse(*server)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return usageError{fmt.Sprintf("record: --server %q is not an http(s) URL", *server)}
	}
	client := &http.Client{Timeout: 60 * time.Second}
	switch sub {
	case "propose":
		if *file == "" {
			return usageError{"record propose: -f decision.json is required"}
		}
		var body []byte
		if *file == "-" {
			body, err = io.ReadAll(stdin)
		} else {
			body, err = os.ReadFile(*file)
		}
		if err != nil {
			return usageError{fmt.Sprintf("record propose: %v", err)}
		}
		var out struct {
			ID string `json:"id"`
		}
		if err := callAPI(ctx, client, "POST", base.JoinPath("/api/v1/records").String(), token, body, &out); err != nil {
			return err
		}
		fmt.Fprintln(stdout, out.ID)
		return nil
	case "show":
		if fs.NArg() != 1 {
			return usageError{"usage: meshwise record show ID"}
		}
		var raw json.RawMessage
		if err := callAPI(ctx, client, "GET", base.JoinPath("/api/v1/records", fs.Arg(0)).String(), token, nil, &raw); err != nil {
			return err
		}
		var rec struct {
			Status       string `json:"status"`
			Verification struct {
				OK bool `json:"ok"`
			} `json:"verification"`
		}
		_ = json.Unmarshal(raw, &rec)
		var pretty bytes.Buffer
		_ = json.Indent(&pretty, raw, "", "  ")
		fmt.Fprintln(stdout, pretty.String())
		if rec.Status != "approved" || !rec.Verification.OK {
			return exitError{code: 4, msg: fmt.Sprintf("record %s is %s (verified: %v), not approved and verified", fs.Arg(0), rec.Status, rec.Verification.OK)}
		}
		return nil
	}
	return usageError{fmt.Sprintf("record: unknown subcommand %q (propose or show)", sub)}
}

// callAPI sends one JSON request and decodes the answer.
func callAPI(ctx context.Context, client *http.Client, method, u, token string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	return sendAPI(client, req, token, out)
}

// sendAPI sends a request with the token and decodes the answer, turning a
// problem document into an error that names each field (exit 2 for bad
// input, 1 otherwise).
func sendAPI(client *http.Client, req *http.Request, token string, out any) error {
	u := req.URL.String()
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("record: %w", err)
	}
	if resp.StatusCode >= 300 {
		var p struct {
			Detail string `json:"detail"`
			Errors []struct {
				Field, Message string
			} `json:"errors"`
		}
		msg := strings.TrimSpace(string(b))
		if json.Unmarshal(b, &p) == nil && p.Detail != "" {
			msg = p.Detail
			for _, e := range p.Errors {
				msg += "\n  " + e.Field + ": " + e.Message
			}
		}
		code := 1
		if resp.StatusCode == http.StatusUnprocessableEntity || resp.StatusCode == http.StatusBadRequest {
			code = 2
		}
		return exitError{code: code, msg: fmt.Sprintf("record: %s answered %d: %s", u, resp.StatusCode, msg)}
	}
	return json.Unmarshal(b, out)
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
