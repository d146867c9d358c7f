package ledger

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Canonical encodes v as RFC 8785 JSON Canonicalization Scheme bytes:
// members sorted by their names' UTF-16 code units, numbers in their
// ECMAScript form, strings with only the escapes JSON requires (U+2028 and
// U+2029 stay raw), no whitespace. An outside JCS implementation given the
// same JSON value produces the same bytes (tested against one), which is
// what the log signs and stores.
func Canonical(v any) ([]byte, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	return Transform(raw)
}

// Transform rewrites one JSON text in its JCS form.
func Transform(b []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("canonical JSON: %w", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("canonical JSON: more than one JSON value")
	}
	return appendCanonical(make([]byte, 0, len(b)), v)
}

// IsCanonical reports whether b is already in JCS form.
func IsCanonical(b []byte) bool {
	out, err := Transform(b)
	return err == nil && bytes.Equal(out, b)
}

func appendCanonical(out []byte, v any) ([]byte, error) {
	var err error
	switch x := v.(type) {
	case nil:
		return append(out, "null"...), nil
	case bool:
		return strconv.AppendBool(out, x), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return nil, fmt.Errorf("canonical JSON: %s is not an IEEE 754 double", x)
		}
		return appendNumber(out, f), nil
	case string:
		return appendString(out, x), nil
	case []any:
		out = append(out, '[')
		for i, e := range x {
			if i > 0 {
				out = append(out, ',')
			}
			if out, err = appendCanonical(out, e); err != nil {
				return nil, err
			}
		}
		return append(out, ']'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, compareUTF16)
		out = append(out, '{')
		for i, k := range keys {
			if i > 0 {
				out = append(out, ',')
			}
			out = append(appendString(out, k), ':')
			if out, err = appendCanonical(out, x[k]); err != nil {
				return nil, err
			}
		}
		return append(out, '}'), nil
	}
	return nil, fmt.Errorf("canonical JSON: unexpected %T", v)
}

// appendNumber writes f as ECMAScript's Number.prototype.toString does
// (ECMA-262 §7.1.12.1): the shortest digits that round-trip, plain up to
// 21 integer digits and down to 6 leading zeros, exponential otherwise.
func appendNumber(out []byte, f float64) []byte {
	if f == 0 {
		return append(out, '0') // -0 too
	}
	if f < 0 {
		out, f = append(out, '-'), -f
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddde±xx, shortest
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.Replace(mant, ".", "", 1)
	x, _ := strconv.Atoi(exp)
	k, n := len(digits), x+1
	switch {
	case k <= n && n <= 21:
		out = append(out, digits...)
		for i := 0; i < n-k; i++ {
			out = append(out, '0')
		}
	case 0 < n && n <= 21:
		out = append(append(append(out, digits[:n]...), '.'), digits[n:]...)
	case -6 < n && n <= 0:
		out = append(out, "0."...)
		for i := 0; i < -n; i++ {
			out = append(out, '0')
		}
		out = append(out, digits...)
	default:
		out = append(out, digits[0])
		if k > 1 {
			out = append(append(out, '.'), digits[1:]...)
		}
		out = append(out, 'e')
		if n-1 >= 0 {
			out = append(out, '+')
		}
		out = strconv.AppendInt(out, int64(n-1), 10)
	}
	return out
}

// appendString writes s with JSON.stringify's escapes: the quote, the
// backslash and control characters, nothing else.
func appendString(out []byte, s string) []byte {
	const hex = "0123456789abcdef"
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c == '\b':
			out = append(out, '\\', 'b')
		case c == '\f':
			out = append(out, '\\', 'f')
		case c == '\n':
			out = append(out, '\\', 'n')
		case c == '\r':
			out = append(out, '\\', 'r')
		case c == '\t':
			out = append(out, '\\', 't')
		case c < 0x20:
			out = append(out, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

// compareUTF16 orders strings by their UTF-16 code units, as JCS sorts
// member names: a character beyond U+FFFF sorts by its surrogates, so
// before U+E000 to U+FFFF.
func compareUTF16(a, b string) int {
	for a != "" && b != "" {
		ra, na := utf8.DecodeRuneInString(a)
		rb, nb := utf8.DecodeRuneInString(b)
		if ra != rb {
			return int(utf16Key(ra)) - int(utf16Key(rb))
		}
		a, b = a[na:], b[nb:]
	}
	return len(a) - len(b)
}

// utf16Key is the first UTF-16 code unit of r: enough to order two
// different runes, since a surrogate pair's first unit (D800–DBFF) differs
// from every unit of a rune below U+10000 that is not itself a surrogate.
func utf16Key(r rune) uint32 {
	if r >= 0x10000 {
		return 0xD800 + uint32((r-0x10000)>>10)
	}
	return uint32(r)
}
