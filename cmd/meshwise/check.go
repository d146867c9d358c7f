package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/shopspring/decimal"

	"meshwise/model"
	"meshwise/model/cluster"
)

// exitDrift is the exit status when a cluster drifted from its decision.
const exitDrift = 4

const checkUsage = "usage: meshwise check --bundle FILE --record ID --pods F [--nodes F] [--namespaces F] [--deployments F] [--metrics F] [--aks F] [--tolerance 25] [-o text|json]"

// runCheck is the drift guard: it imports the cluster as it runs now and
// compares it with an approved decision record read from an exported
// bundle. It exits 0 when the cluster matches, 4 on drift, 2 on bad input.
func runCheck(args []string, now func() time.Time, stdout, stderr io.Writer) error {
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
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *bundle == "" || *recordID == "" || len(files) == 0 || fs.NArg() > 0 {
		return usageError{checkUsage}
	}
	tol, err := decimal.NewFromString(*tolerance)
	if err != nil || tol.IsNegative() || tol.GreaterThan(decimal.NewFromInt(1000)) {
		return usageError{fmt.Sprintf("check: --tolerance %q: a percentage from 0 to 1000", *tolerance)}
	}
	if *format != "text" && *format != "json" {
		return usageError{fmt.Sprintf("check: -o %q: use text or json", *format)}
	}
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
	rep := model.CheckDrift(base, inv.Observation(), now(), tol)
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
