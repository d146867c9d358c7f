package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"meshwise/model"
	"meshwise/model/cluster"
)

// exitDrift is the exit status when a cluster drifted from its decision.
const exitDrift = 4

const checkUsage = "usage: meshwise check --record ID [--bundle FILE | --server URL [--sign]] --pods F [--nodes F] [--namespaces F] [--deployments F] [--metrics F] [--aks F] [--tolerance 25] [-o text|json]"

// runCheck is the drift guard: it imports the cluster as it runs now and
// compares it with an approved decision record read from an exported
// bundle, or by a meshwise server (MESHWISE_URL, MESHWISE_TOKEN), which can
// also sign the check into the record's history (--sign). It exits 0 when
// the cluster matches, 4 on drift, 2 on bad input.
func runCheck(ctx context.Context, args []string, getenv func(string) string, now func() time.Time, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var files []importFile
	for _, in := range cluster.Inputs {
		fs.Func(string(in), "output of `"+in.Command()+"`", func(v string) error {
			files = append(files, importFile{in, v})
			return nil
		})
	}
	bundle := fs.String("bundle", "", "an exported decision log (GET /api/v1/export)")
	recordID := fs.String("record", "", "the approved record's ID")
	tolerance := fs.String("tolerance", model.DefaultDriftTolerance.String(), "percent beyond the approved figures before it is drift")
	format := fs.String("o", "text", "output: text or json")
	server := fs.String("server", firstNonEmpty(getenv("MESHWISE_URL"), "http://127.0.0.1:8080"), "without --bundle: the meshwise server to check against (MESHWISE_URL; token in MESHWISE_TOKEN)")
	sign := fs.Bool("sign", false, "with a server: sign the check and its findings into the record's history")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *recordID == "" || len(files) == 0 || fs.NArg() > 0 || (*sign && *bundle != "") {
		return usageError{checkUsage}
	}
	tol, err := decimal.NewFromString(*tolerance)
	if err != nil || tol.IsNegative() || tol.GreaterThan(decimal.NewFromInt(1000)) {
		return usageError{fmt.Sprintf("check: --tolerance %q: a percentage from 0 to 1000", *tolerance)}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("check: -o %q: use text or json", *format)}
	}
	var rep model.DriftReport
	if *bundle == "" {
		if rep, err = checkOnServer(ctx, *server, getenv("MESHWISE_TOKEN"), *recordID, files, tol, *sign, stderr); err != nil {
			return err
		}
	} else {
		raw, err := os.ReadFile(*bundle)
		if err != nil {
			return usageError{fmt.Sprintf("check: --bundle: %v", err)}
		}
		base, err := baselineFromBundle(raw, *recordID)
		if err != nil {
			return usageError{fmt.Sprintf("check: --bundle %s: %v", *bundle, err)}
		}
		inv, err := readImport(files, false)
		if err != nil {
			return usageError{"check: " + err.Error()}
		}
		rep = model.CheckDrift(base, inv.Observation(), now(), tol)
	}
	if *format == "json" {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		if rep.Clean {
			fmt.Fprintf(stdout, "clean: the cluster matches record %s (%s, tolerance %s%%)\n", rep.RecordID, rep.Option, rep.TolerancePct)
		} else {
			fmt.Fprintf(stdout, "DRIFT from record %s (%s): %d finding(s)\n", rep.RecordID, rep.Option, len(rep.Findings))
			for _, f := range rep.Findings {
				fmt.Fprintf(stdout, "  %-17s %s\n", f.Code, f.Message)
			}
		}
	}
	if !rep.Clean {
		return exitError{code: exitDrift, msg: fmt.Sprintf("check: %d finding(s) of drift from record %s", len(rep.Findings), rep.RecordID)}
	}
	return nil
}

// checkOnServer streams the files to POST /api/v1/records/{id}/check and
// returns the server's report.
func checkOnServer(ctx context.Context, server, token, id string, files []importFile, tol decimal.Decimal, sign bool, stderr io.Writer) (model.DriftReport, error) {
	if token == "" {
		return model.DriftReport{}, usageError{"check: without --bundle, set MESHWISE_TOKEN to an API token (make one on /account)"}
	}
	base, err := url.Parse(server)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return model.DriftReport{}, usageError{fmt.Sprintf("check: --server %q is not an http(s) URL", server)}
	}
	for _, f := range files {
		if _, err := os.Stat(f.path); err != nil {
			return model.DriftReport{}, usageError{fmt.Sprintf("check: --%s: %v", f.in, err)}
		}
	}
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() { // stream the files: nothing is held in memory
		err := func() error {
			if err := mw.WriteField("tolerance", tol.String()); err != nil {
				return err
			}
			if err := mw.WriteField("sign", strconv.FormatBool(sign)); err != nil {
				return err
			}
			for _, f := range files {
				part, err := mw.CreateFormFile(string(f.in), filepath.Base(f.path))
				if err != nil {
					return err
				}
				in, err := os.Open(f.path)
				if err != nil {
					return err
				}
				_, err = io.Copy(part, in)
				in.Close()
				if err != nil {
					return err
				}
			}
			return mw.Close()
		}()
		pw.CloseWithError(err)
	}()
	req, err := http.NewRequestWithContext(ctx, "POST", base.JoinPath("/api/v1/records", id, "check").String(), pr)
	if err != nil {
		return model.DriftReport{}, err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	var out struct {
		Report model.DriftReport `json:"report"`
		Signed bool              `json:"signed"`
		Entry  int64             `json:"entry"`
	}
	if err := sendAPI(&http.Client{Timeout: 5 * time.Minute}, req, token, &out); err != nil {
		return model.DriftReport{}, err
	}
	if out.Signed {
		fmt.Fprintf(stderr, "signed into record %s's history as log entry %d\n", id, out.Entry)
	}
	return out.Report, nil
}
