package ledger

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/gowebpki/jcs"
)

// Canonical encodes v as RFC 8785 JSON Canonicalization Scheme bytes:
// members sorted by their names' UTF-16 code units, ECMAScript number
// forms, minimal string escapes (U+2028 and U+2029 left raw), no
// whitespace. An outside JCS implementation given the same JSON value
// produces the same bytes, which is what the log signs and stores.
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	out, err := jcs.Transform(raw)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	return out, nil
}

// IsCanonical reports whether b is already in JCS form.
func IsCanonical(b []byte) bool {
	out, err := jcs.Transform(b)
	return err == nil && bytes.Equal(out, b)
}
