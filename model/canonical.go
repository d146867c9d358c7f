package model

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// CanonicalJSON encodes v as RFC 8785 (JCS) canonical JSON for the values
// meshwise signs: object keys sorted, no insignificant whitespace, no HTML
// escaping. Every number in a log entry is an integer (decimals travel as
// strings), and integers are already in their canonical form, so the
// result is the JCS form. The log stores these exact bytes; nothing is
// ever re-serialized before verifying.
func CanonicalJSON(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var generic any
	if err := dec.Decode(&generic); err != nil {
		return nil, err
	}
	if err := checkIntegers(generic); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(generic); err != nil { // maps encode with sorted keys
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

func checkIntegers(v any) error {
	switch x := v.(type) {
	case map[string]any:
		for _, e := range x {
			if err := checkIntegers(e); err != nil {
				return err
			}
		}
	case []any:
		for _, e := range x {
			if err := checkIntegers(e); err != nil {
				return err
			}
		}
	case json.Number:
		if _, err := x.Int64(); err != nil {
			return fmt.Errorf("canonical JSON: %s is not an integer; send decimals as strings", x)
		}
	}
	return nil
}
