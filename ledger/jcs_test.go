package ledger

import (
	"encoding/json"
	"testing"
	"unicode/utf8"

	"github.com/gowebpki/jcs"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The examples of RFC 8785: section 3.2.2 (sorting by UTF-16 code units),
// 3.2.3 (the worked example with numbers, literals and string escapes) and
// Appendix B's number forms.
func TestCanonicalMatchesRFC8785(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"3.2.3 worked example",
			`{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/", "literals": [null, true, false]}`,
			`{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}`},
		{"3.2.2 sorting by UTF-16 code units",
			`{"\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis"}`,
			"{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\",\"€\":\"Euro Sign\",\"\U0001F600\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}"},
		{"U+2028 and U+2029 stay raw", `{"a":"\u2028\u2029"}`, "{\"a\":\"\u2028\u2029\"}"},
		{"HTML characters are not escaped", `{"a":"<b> & </b>"}`, `{"a":"<b> & </b>"}`},
		{"Appendix B: -0 is 0", `[-0]`, `[0]`},
		{"Appendix B: large and small", `[1e21, 1e-7, 9007199254740992, 295147905179352830000]`, `[1e+21,1e-7,9007199254740992,295147905179352830000]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v any
			require.NoError(t, json.Unmarshal([]byte(tt.in), &v))
			got, err := Canonical(v)
			require.NoError(t, err)
			assert.Equal(t, tt.want, string(got))
			assert.True(t, IsCanonical(got))
		})
	}
}

func TestCanonicalOfStructs(t *testing.T) {
	b, err := Canonical(struct {
		Zeta  string         `json:"zeta"`
		Alpha int            `json:"alpha"`
		Mid   map[string]any `json:"mid"`
	}{Zeta: "<a & b>", Alpha: 3, Mid: map[string]any{"b": []int{2, 1}, "a": nil}})
	require.NoError(t, err)
	assert.Equal(t, `{"alpha":3,"mid":{"a":null,"b":[2,1]},"zeta":"<a & b>"}`, string(b))
	assert.False(t, IsCanonical([]byte(`{"b":1,"a":2}`)))
	assert.False(t, IsCanonical([]byte(`{"a": 2}`)))
}

// FuzzCanonicalMatchesAnOutsideImplementation holds meshwise's encoder
// against gowebpki/jcs (an independent RFC 8785 implementation): for any
// JSON text both accept, the canonical bytes are the same.
func FuzzCanonicalMatchesAnOutsideImplementation(f *testing.F) {
	for _, s := range []string{`{"b":1,"a":[1.5,-0,1e21,1e-7]}`, `"\u2028<>&"`, `{"\ud83d\ude00":1,"\ufb33":2,"\u20ac":3}`, `[true,false,null]`,
		`{"n":333333333.33333329,"m":0.000001,"k":123456789012345678901234}`, `"\u0000\u001f\u007f\"\\/"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if !json.Valid(b) || !utf8.Valid(b) {
			return
		}
		theirs, err := jcs.Transform(b)
		if err != nil {
			return
		}
		ours, err := Transform(b)
		require.NoError(t, err)
		assert.Equal(t, string(theirs), string(ours))
	})
}
