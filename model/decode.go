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
	// Every input's JSON type is checked against the one table of input
	// fields, so each offending field is named, not only the first.
	v := &validator{}
	for _, f := range allFields() {
		if f.Kind == FieldOverride && !strings.HasPrefix(f.Key, "preferences.") || strings.HasPrefix(f.Key, "needs.levels.") {
			continue // overrides and need levels are maps: the struct decode checks them
		}
		val, ok := lookupPath(obj, f.Key)
		if !ok || val == nil {
			continue
		}
		if msg := typeProblem(f, val); msg != "" {
			v.add(f.Key, msg)
		}
	}
	if len(v.fields) > 0 {
		// Name the well-typed fields' range problems too: decode what is
		// left without the offending fields and validate it.
		for _, fe := range v.fields {
			deletePath(obj, fe.Field)
		}
		bad := map[string]bool{}
		for _, fe := range v.fields {
			bad[fe.Field] = true
		}
		if clean, err := json.Marshal(obj); err == nil {
			rest := DefaultAssessment()
			d := json.NewDecoder(bytes.NewReader(clean))
			d.DisallowUnknownFields()
			var me *Error
			if d.Decode(&rest) == nil && errors.As(rest.Validate(), &me) {
				for _, fe := range me.Fields {
					if !bad[fe.Field] {
						v.fields = append(v.fields, fe)
					}
				}
			}
		}
		return Assessment{}, v.err()
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

// typeProblem says what is wrong with a JSON value's type for an input, or "".
func typeProblem(f InputField, val any) string {
	switch f.Kind {
	case FieldDecimal:
		switch x := val.(type) {
		case json.Number:
			if !plainDecimal(x.String()) {
				return "must be a plain number with at most 30 digits"
			}
		case string:
			if !plainDecimal(strings.TrimSpace(x)) {
				return fmt.Sprintf("must be a number (got %q)", truncate(x, 40))
			}
		default:
			return "must be a number or a numeric string"
		}
	case FieldInt, FieldOverride:
		x, ok := val.(json.Number)
		if !ok {
			return fmt.Sprintf("must be a whole number (got a JSON %s)", jsonKind(val))
		}
		if _, err := parseWhole(x.String()); err != nil {
			return rangeError(f.Key, err).Error()
		}
	case FieldBool:
		if _, ok := val.(bool); !ok {
			return fmt.Sprintf("must be true or false (got a JSON %s)", jsonKind(val))
		}
	case FieldText, FieldChoice:
		if _, ok := val.(string); !ok {
			return fmt.Sprintf("must be a string (got a JSON %s)", jsonKind(val))
		}
	}
	return ""
}

func jsonKind(val any) string {
	switch val.(type) {
	case json.Number:
		return "number"
	case string:
		return "string"
	case bool:
		return "boolean"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	}
	return "value"
}

func deletePath(obj map[string]any, path string) {
	parts := strings.Split(path, ".")
	m := obj
	for _, p := range parts[:len(parts)-1] {
		next, ok := m[p].(map[string]any)
		if !ok {
			return
		}
		m = next
	}
	delete(m, parts[len(parts)-1])
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
