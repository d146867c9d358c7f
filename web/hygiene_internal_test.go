package web

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"meshwise/model"
)

// checkJSON names the first bad key or string by its path, and leaves
// clean documents and non-JSON alone.
func TestCheckJSONNamesThePath(t *testing.T) {
	tests := []struct {
		doc, field string
	}{
		{`{"title":"ok","pods":3}`, ""},
		{`not json at all`, ""},
		{`{"a":"x\u0000"}`, "a"},
		{"{\"a\":\"\xff\"}", "a"},
		{`"\u0000"`, "body"},
		{`{"a":{"b":[1,"ok",{"c":"\u0000"}]}}`, "a.b[2].c"},
		{`{"a":[["ok"],["ok","\u0000"]]}`, "a[1][1]"},
		{`{"a":1,"b\u0000":2}`, `b\x00`},
		{`{"":"ok","x":{"":"\u0000"}}`, "x."},
		{`{"a":{"b":1},"c":"\u0000"}`, "c"},
		{`[{"a":1},{"b":"\u0000"}]`, "[1].b"},
		{"{\"a\":\"ok\"} \xff", ""}, // trailing garbage is a syntax error for the handler
	}
	for _, tt := range tests {
		err := checkJSON("", []byte(tt.doc))
		if tt.field == "" {
			assert.NoError(t, err, tt.doc)
			continue
		}
		var me *model.Error
		if assert.ErrorAs(t, err, &me, tt.doc) {
			assert.Equal(t, tt.field, me.Fields[0].Field, tt.doc)
		}
	}
	err := checkJSON("assessment", []byte(`{"title":"\u0000"}`))
	var me *model.Error
	if assert.ErrorAs(t, err, &me) {
		assert.Equal(t, "assessment.title", me.Fields[0].Field, "a document inside a form field")
	}
}
