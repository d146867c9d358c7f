package htmlform

import (
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const page = `<!doctype html><html><body>
<form action="/search"><input name="q" value="wrong form"></form>
<form method="post" action="/assessments/a1/steps/1">
  <input type="hidden" name="version" value="3">
  <label>Pods <input type="number" name="pods" value="100"></label>
  <input type="text" name="title" value="payments &amp; orders">
  <input type="checkbox" name="needs.mtls" value="true" checked>
  <input type="checkbox" name="needs.l7" value="true">
  <input type="checkbox" name="plain" checked>
  <input type="radio" name="tier" value="free">
  <input type="radio" name="tier" value="standard" checked>
  <select name="node_sku"><option value="D2">D2</option><option value="D4" selected>D4</option></select>
  <select name="currency"><option>USD</option><option>EUR</option></select>
  <textarea name="rollback">kubectl delete ns x
helm uninstall y</textarea>
  <input name="off" value="x" disabled>
  <input type="submit" name="action" value="next">
  <button name="action" value="back">Back</button>
</form></body></html>`

func TestValuesAsABrowserSubmits(t *testing.T) {
	v, err := Values([]byte(page), "/assessments/a1/steps/1")
	require.NoError(t, err)
	assert.Equal(t, url.Values{
		"version":    {"3"},
		"pods":       {"100"},
		"title":      {"payments & orders"},
		"needs.mtls": {"true"},
		"plain":      {"on"},
		"tier":       {"standard"},
		"node_sku":   {"D4"},
		"currency":   {"USD"},
		"rollback":   {"kubectl delete ns x\nhelm uninstall y"},
	}, v)
}

func TestValuesNamesAMissingForm(t *testing.T) {
	_, err := Values([]byte(page), "/nowhere")
	require.Error(t, err)
	assert.Contains(t, err.Error(), `"/nowhere"`)
}
