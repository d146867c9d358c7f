package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/shopspring/decimal"

	"meshwise/model"
)

// exitBreach is the exit status when the chosen option breaks a budget, so
// a pipeline can hold a change to the approved decision.
const exitBreach = 3

// runEstimate prints the comparison for an assessment file.
func runEstimate(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("estimate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("f", "", "assessment JSON file (- for standard input)")
	format := fs.String("o", "table", "output: table, json or csv")
	optionID := fs.String("option", "", "the chosen option, checked against the budgets")
	maxCost := fs.String("max-monthly-cost", "", "budget: the chosen option's monthly total must not exceed this")
	maxP99 := fs.String("max-added-p99-ms", "", "budget: the chosen option's added p99 per request (ms) must not exceed this")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if *file == "" {
		return usageError{"estimate: -f is required: a JSON assessment file, or - for standard input"}
	}
	budgets, err := parseBudgets(*optionID, *maxCost, *maxP99)
	if err != nil {
		return usageError{err.Error()}
	}
	in := stdin
	if *file != "-" {
		f, err := os.Open(*file)
		if err != nil {
			return usageError{fmt.Sprintf("estimate: %v", err)}
		}
		defer f.Close()
		in = f
	}
	a, err := model.DecodeAssessment(io.LimitReader(in, 16<<20))
	if err != nil {
		return usageError{"estimate: " + describeInvalid(err)}
	}
	e, err := model.Compute(a)
	if err != nil {
		return usageError{"estimate: " + describeInvalid(err)}
	}
	ranges, err := model.ComputeRanges(a)
	if err != nil {
		return usageError{"estimate: " + describeInvalid(err)}
	}
	e.Ranges = &ranges
	switch *format {
	case "json":
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(e); err != nil {
			return err
		}
	case "csv":
		w := csv.NewWriter(stdout)
		_ = w.Write(append(append([]string{}, model.ComparisonHeader...), model.RangeHeader...))
		for _, row := range e.ComparisonRows() {
			_ = w.Write(append(row, ranges.Row(row[0])...))
		}
		w.Flush()
		if err := w.Error(); err != nil {
			return err
		}
	case "table":
		writeTable(stdout, e)
	default:
		return usageError{fmt.Sprintf("estimate: -o %q: want table, json or csv", *format)}
	}
	return budgets.check(e, stderr)
}

// budgets are the limits a pipeline holds the chosen option to.
type budgets struct {
	option        string
	maxCost       *decimal.Decimal
	maxAddedP99Ms *decimal.Decimal
}

func parseBudgets(option, cost, p99 string) (budgets, error) {
	b := budgets{option: option}
	for _, x := range []struct {
		name, value string
		dst         **decimal.Decimal
	}{{"--max-monthly-cost", cost, &b.maxCost}, {"--max-added-p99-ms", p99, &b.maxAddedP99Ms}} {
		if x.value == "" {
			continue
		}
		d, err := decimal.NewFromString(x.value)
		if err != nil || d.IsNegative() {
			return b, fmt.Errorf("estimate: %s %q: want a number of at least 0", x.name, x.value)
		}
		*x.dst = &d
	}
	if (b.maxCost != nil || b.maxAddedP99Ms != nil) && option == "" {
		return b, fmt.Errorf("estimate: --option is required with a budget: one of %s", strings.Join(optionIDs(), ", "))
	}
	if option != "" && !slices.Contains(optionIDs(), option) {
		return b, fmt.Errorf("estimate: --option %q: want one of %s", option, strings.Join(optionIDs(), ", "))
	}
	return b, nil
}

// check returns an exitError with status 3 naming every budget the chosen
// option breaks.
func (b budgets) check(e model.Estimate, stderr io.Writer) error {
	if b.option == "" {
		return nil
	}
	o, _ := e.Option(b.option)
	var breaches []string
	if b.maxCost != nil && o.Monthly.Total.GreaterThan(*b.maxCost) {
		breaches = append(breaches, fmt.Sprintf("monthly total %s %s exceeds --max-monthly-cost %s", o.Monthly.Total.StringFixed(2), e.Currency, b.maxCost))
	}
	if b.maxAddedP99Ms != nil && o.Latency.P99.GreaterThan(*b.maxAddedP99Ms) {
		breaches = append(breaches, fmt.Sprintf("added p99 %s ms exceeds --max-added-p99-ms %s", o.Latency.P99, b.maxAddedP99Ms))
	}
	if len(breaches) == 0 {
		fmt.Fprintf(stderr, "within budget: %s\n", o.ID)
		return nil
	}
	return exitError{code: exitBreach, msg: "budget breached by " + o.ID + ": " + strings.Join(breaches, "; ")}
}

func writeTable(w io.Writer, e model.Estimate) {
	fmt.Fprintf(w, "meshwise estimate — %s on %s, model %s, money in %s per month\n\n", e.Assessment.Title, e.SKU.Name, e.ModelVersion, e.Currency)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "option\tplanned cores\tplanned GiB\tcores at defaults\t+nodes\tnodes $\tplanned $\tusage $\ttelemetry $\ttotal $\ttotal P10–P90 $\tp99 ms\tp99 P10–P90\tmanaged\t")
	for _, r := range e.ComparisonRows() {
		// columns of model.ComparisonHeader
		g := e.Ranges.Row(r[0]) // columns of model.RangeHeader
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n", r[0], r[18], r[19], r[1], r[5], r[6], r[20], r[8], r[9], r[11],
			g[6]+"–"+g[8], r[14], g[9]+"–"+g[11], r[15])
	}
	tw.Flush()
	fmt.Fprintf(w, "\nSpare room today: %s.\n", e.Room.Derivation)
}

func describeInvalid(err error) string {
	var me *model.Error
	if !errors.As(err, &me) || len(me.Fields) == 0 {
		return err.Error()
	}
	parts := make([]string, 0, len(me.Fields))
	for _, f := range me.Fields {
		parts = append(parts, f.Field+" "+f.Message)
	}
	return strings.Join(parts, "; ")
}

func optionIDs() []string {
	ids := make([]string, 0, len(model.Catalog))
	for _, o := range model.Catalog {
		ids = append(ids, o.ID)
	}
	return ids
}
