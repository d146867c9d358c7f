package model

import "strconv"

// ComparisonHeader names the columns of ComparisonRows.
var ComparisonHeader = []string{
	"option", "requested_cores", "requested_gib", "usage_cores", "usage_gib", "added_nodes",
	"monthly_nodes_added", "monthly_requests", "monthly_usage", "monthly_telemetry", "monthly_fees", "monthly_total",
	"added_p50_ms", "added_p90_ms", "added_p99_ms", "managed", "currency", "model_version",
	"planned_cores", "planned_gib", "monthly_planned", "monthly_invoice",
}

// ComparisonRows is the comparison as one row per option (monthly_total
// follows the planned requests; monthly_requests is at default requests), rounded for
// people: resources to 3 places, money to cents, latency to microseconds.
// It feeds CSV downloads and the CLI's table.
func (e Estimate) ComparisonRows() [][]string {
	rows := make([][]string, 0, len(e.Options))
	for _, o := range e.Options {
		m := o.Monthly
		rows = append(rows, []string{
			o.ID,
			o.Requests.CPUCores.Decimal().StringFixed(3), o.Requests.MemoryGiB.Decimal().StringFixed(3),
			o.Usage.CPUCores.Decimal().StringFixed(3), o.Usage.MemoryGiB.Decimal().StringFixed(3),
			strconv.Itoa(o.AddedNodes),
			m.NodesAdded.StringFixed(2), m.Requests.StringFixed(2), m.Usage.StringFixed(2),
			m.Telemetry.StringFixed(2), m.Fees.StringFixed(2), m.Total.StringFixed(2),
			o.Latency.P50.StringFixed(3), o.Latency.P90.StringFixed(3), o.Latency.P99.StringFixed(3),
			strconv.FormatBool(o.Managed), e.Currency, e.ModelVersion,
			o.Planned.CPUCores.Decimal().StringFixed(3), o.Planned.MemoryGiB.Decimal().StringFixed(3), m.Planned.StringFixed(2), m.Invoice.StringFixed(2),
		})
	}
	return rows
}
