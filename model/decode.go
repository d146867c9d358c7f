package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/shopspring/decimal"
)

// decimalFields are the JSON paths that hold decimals; they accept a JSON
// number or a numeric string.
var decimalFields = []string{
	"latency_budget_p99_ms", "spare_cores", "spare_gib", "requested_cpu_percent", "requested_memory_percent", "churn_sidecars_per_second",
	"custom_sku.memory_gib", "custom_sku.hourly_price",
	"pricing.hours_per_month", "pricing.cpu_ram_ratio", "pricing.log_price_per_gb", "pricing.trace_price_per_gb",
	"pricing.metric_price_per_10m_samples", "pricing.acns_price_per_node_hour",
	"pricing.agreement_discount_percent", "pricing.reserved_share_percent", "pricing.reserved_discount_percent",
	"pricing.exchange_rate", "pricing.linkerd_license_per_cluster_month",
	"telemetry.trace_sampling_percent",
}

// DecodeAssessment reads one assessment in JSON. Fields left out keep their
// defaults; unknown fields, wrong types and out-of-range values are reported
// as an EINVALID *Error naming every offending field.
func DecodeAssessment(r io.Reader) (Assessment, error) {
	body, err := io.ReadAll(r)
	if err != nil {
		return Assessment{}, err // a read error (e.g. too large) is the caller's to map
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Assessment{}, invalid("body", "is empty: send an assessment as a JSON object")
	}
	// First pass: shape and decimals, so every bad decimal is named.
	var raw any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil {
		return Assessment{}, syntaxError(err)
	}
	if dec.More() {
		return Assessment{}, invalid("body", "has data after the JSON object: send exactly one object")
	}
	obj, ok := raw.(map[string]any)
	if !ok {
		return Assessment{}, invalid("body", "must be a JSON object")
	}
	v := &validator{}
	for _, path := range decimalFields {
		val, ok := lookupPath(obj, path)
		if !ok || val == nil {
			continue
		}
		switch x := val.(type) {
		case json.Number:
			if !plainDecimal(x.String()) {
				v.add(path, "must be a plain number with at most 30 digits")
			}
		case string:
			if !plainDecimal(strings.TrimSpace(x)) {
				v.add(path, fmt.Sprintf("must be a number (got %q)", truncate(x, 40)))
			}
		default:
			v.add(path, "must be a number or a numeric string")
		}
	}
	if err := v.err(); err != nil {
		return Assessment{}, err
	}
	// Second pass: into the struct, over the defaults.
	a := DefaultAssessment()
	dec = json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return Assessment{}, fieldError(err)
	}
	a.Title = strings.TrimSpace(a.Title)
	if err := a.Validate(); err != nil {
		return Assessment{}, err
	}
	return a, nil
}

// plainDecimal reports whether s is a decimal of sane size. A literal such
// as 1e999999999 parses, but any arithmetic on it would take forever.
func plainDecimal(s string) bool {
	if len(s) > 40 {
		return false
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return false
	}
	e := d.Exponent()
	return e >= -30 && e <= 30
}

func invalid(field, msg string) *Error {
	return &Error{Code: EINVALID, Message: field + " " + msg, Fields: []FieldError{{Field: field, Message: msg}}}
}

func syntaxError(err error) error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return invalid("body", fmt.Sprintf("is not valid JSON (at byte %d)", se.Offset))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("body", "is truncated JSON")
	default:
		return invalid("body", "is not valid JSON")
	}
}

func fieldError(err error) error {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		field := te.Field
		if field == "" {
			field = "body"
		}
		return invalid(field, fmt.Sprintf("must be %s (got a JSON %s)", jsonTypeName(te.Type.Kind().String()), te.Value))
	}
	if msg := err.Error(); strings.HasPrefix(msg, "json: unknown field ") {
		name := strings.Trim(strings.TrimPrefix(msg, "json: unknown field "), `"`)
		return invalid(name, "is not a known field")
	}
	return invalid("body", "could not be read as an assessment")
}

func jsonTypeName(kind string) string {
	switch kind {
	case "int", "int64", "int32":
		return "a whole number"
	case "bool":
		return "true or false"
	case "string":
		return "a string"
	case "map", "struct", "ptr":
		return "an object"
	default:
		return "a " + kind
	}
}

func lookupPath(obj map[string]any, path string) (any, bool) {
	parts := strings.Split(path, ".")
	var cur any = obj
	for _, p := range parts {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		cur, ok = m[p]
		if !ok {
			return nil, false
		}
	}
	return cur, true
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
