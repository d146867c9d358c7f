package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/model"
)

var clusterData = filepath.Join("..", "..", "model", "cluster", "testdata")

func td(name string) string { return filepath.Join(clusterData, name) }

func TestImportAssessmentOnlyFeedsEstimate(t *testing.T) {
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), []string{"import", "--pods", td("pods.json"), "--nodes", td("nodes.json"), "--assessment-only"}, envOf(nil), &out, &errOut))
	assert.Contains(t, errOut.String(), "5 pods to mesh in 3 namespaces")
	a, err := model.DecodeAssessment(bytes.NewReader(out.Bytes()))
	require.NoError(t, err, "the output is a valid assessment")
	assert.Equal(t, 5, a.Pods)
	assert.Equal(t, 4, a.Nodes)

	err = run(context.Background(), []string{"import", "--pods", td("missing.json")}, envOf(nil), &out, &errOut)
	var ue usageError
	require.ErrorAs(t, err, &ue)

	err = run(context.Background(), []string{"import", "--pods", td("nodes.json")}, envOf(nil), &out, &errOut)
	require.ErrorAs(t, err, &ue)
	assert.Contains(t, err.Error(), "was given as --pods but holds nodes objects")
}

func TestImportPrintsTheInventoryBesideTheAssessment(t *testing.T) {
	args := []string{"import", "--aks", td("aks-show.json"), "--nodes", td("nodes-aks.json"), "--pods", td("pods-istio.json"), "--metrics", td("podmetrics-istio.json")}
	var out, errOut bytes.Buffer
	require.NoError(t, run(context.Background(), args, envOf(nil), &out, &errOut))
	table := out.String()
	for _, want := range []string{"cluster skg-aks-cluster (resource group aks-test-rg", "bookinfo", "kube-system (platform)", "Standard_D2as_v5 (not in catalog)",
		"MIGRATION WHAT-IF for 3 meshed pods running istio-sidecar", "measured use 0.010877 cores", "istio-ambient", "enter the node price",
		"resource_group     aks-test-rg", "measured", "services           25                         default"} {
		assert.Contains(t, table, want)
	}

	out.Reset()
	require.NoError(t, run(context.Background(), append(args, "-o", "json"), envOf(nil), &out, &errOut))
	var got struct {
		Inventory struct {
			Namespaces []struct {
				Name   string   `json:"name"`
				Meshes []string `json:"meshes"`
			} `json:"namespaces"`
			Mesh struct {
				IstioSidecars int `json:"istio_sidecars"`
			} `json:"mesh"`
		} `json:"inventory"`
		Assessment model.Assessment `json:"assessment"`
		Provenance map[string]struct {
			Source string `json:"source"`
		} `json:"provenance"`
		WhatIf struct {
			Options []struct {
				Option string `json:"option"`
			} `json:"options"`
		} `json:"what_if"`
	}
	require.NoError(t, json.Unmarshal(out.Bytes(), &got))
	assert.Equal(t, 3, got.Inventory.Mesh.IstioSidecars)
	assert.Equal(t, "aks-test-rg", got.Assessment.ResourceGroup)
	assert.Equal(t, "measured", got.Provenance["cluster"].Source)
	assert.Len(t, got.WhatIf.Options, len(model.Catalog)-1) // every option but the running mesh
}
