package main

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

func TestImportCommandFeedsEstimate(t *testing.T) {
	dir := filepath.Join("..", "..", "model", "cluster", "testdata")
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"import", "--pods", filepath.Join(dir, "pods.json"), "--nodes", filepath.Join(dir, "nodes.json")}, envOf(nil), &out, &errOut))
	assert.Contains(t, errOut.String(), "5 pods to mesh in 3 namespaces")
	a, err := model.DecodeAssessment(bytes.NewReader(out.Bytes()))
	require.NoError(t, err, "the output is a valid assessment")
	assert.Equal(t, 5, a.Pods)
	assert.Equal(t, 4, a.Nodes)

	err = run(context.Background(), []string{"import", "--pods", filepath.Join(dir, "missing.json")}, envOf(nil), &out, &errOut)
	var ue usageError
	require.ErrorAs(t, err, &ue)
}
