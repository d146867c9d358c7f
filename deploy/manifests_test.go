// Package deploy holds meshwise's Kubernetes manifests (a kustomize base and
// an example AKS overlay). Its tests decode every manifest strictly with the
// Kubernetes API types, so a misspelt or misplaced field fails `make test`,
// build the overlays with kustomize, and check the properties the
// deployment promises (see properties_test.go).
package deploy

import (
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/kustomize/api/krusty"
	kusttypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/yaml"
)

// builds are the kustomizations that must build and pass every check.
var builds = []string{"base", "overlays/aks-example"}

// manifests is one built kustomization, decoded into typed objects.
type manifests struct {
	Deployments      []*appsv1.Deployment
	Jobs             []*batchv1.Job
	Services         []*corev1.Service
	ServiceAccounts  []*corev1.ServiceAccount
	Namespaces       []*corev1.Namespace
	PDBs             []*policyv1.PodDisruptionBudget
	HPAs             []*autoscalingv2.HorizontalPodAutoscaler
	NetworkPolicies  []*networkingv1.NetworkPolicy
	Ingresses        []*networkingv1.Ingress
	SecretProviders  []*secretProviderClass
	PrometheusGroups []ruleGroup
}

// secretProviderClass mirrors the Secrets Store CSI driver's custom
// resource (secrets-store.csi.x-k8s.io/v1), which k8s.io/api does not carry;
// only the fields meshwise uses are allowed.
type secretProviderClass struct {
	metav1.TypeMeta   `json:",inline"`
	metav1.ObjectMeta `json:"metadata"`
	Spec              struct {
		Provider   string            `json:"provider"`
		Parameters map[string]string `json:"parameters"`
	} `json:"spec"`
}

// keyVaultObject is one entry of the Azure provider's "objects" parameter.
type keyVaultObject struct {
	ObjectName    string `json:"objectName"`
	ObjectType    string `json:"objectType"`
	ObjectAlias   string `json:"objectAlias,omitempty"`
	ObjectVersion string `json:"objectVersion,omitempty"`
}

// objects decodes the Azure provider's "objects" parameter: a YAML
// document whose "array" holds one YAML document per Key Vault object.
func (s *secretProviderClass) objects() ([]keyVaultObject, error) {
	var outer struct {
		Array []string `json:"array"`
	}
	if err := yaml.UnmarshalStrict([]byte(s.Spec.Parameters["objects"]), &outer); err != nil {
		return nil, fmt.Errorf("SecretProviderClass %s: objects: %w", s.Name, err)
	}
	var out []keyVaultObject
	for _, doc := range outer.Array {
		var o keyVaultObject
		if err := yaml.UnmarshalStrict([]byte(doc), &o); err != nil {
			return nil, fmt.Errorf("SecretProviderClass %s: objects: %w", s.Name, err)
		}
		out = append(out, o)
	}
	return out, nil
}

// jsonPatchOp is one operation of an RFC 6902 patch file.
type jsonPatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path"`
	From  string `json:"from,omitempty"`
	Value any    `json:"value,omitempty"`
}

// ruleFile is a Prometheus rule file (rules/ in Prometheus's configuration).
type ruleFile struct {
	Groups []ruleGroup `json:"groups"`
}

type ruleGroup struct {
	Name     string `json:"name"`
	Interval string `json:"interval,omitempty"`
	Rules    []rule `json:"rules"`
}

type rule struct {
	Alert       string            `json:"alert,omitempty"`
	Record      string            `json:"record,omitempty"`
	Expr        string            `json:"expr"`
	For         string            `json:"for,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// add decodes one Kubernetes document strictly into its typed object:
// unknown or misplaced fields, duplicate keys and unknown kinds all fail.
func (m *manifests) add(doc []byte) error {
	var tm metav1.TypeMeta
	if err := yaml.Unmarshal(doc, &tm); err != nil {
		return err
	}
	strict := func(into any) error { return yaml.UnmarshalStrict(doc, into) }
	switch tm.APIVersion + " " + tm.Kind {
	case "apps/v1 Deployment":
		o := &appsv1.Deployment{}
		m.Deployments = append(m.Deployments, o)
		return strict(o)
	case "batch/v1 Job":
		o := &batchv1.Job{}
		m.Jobs = append(m.Jobs, o)
		return strict(o)
	case "v1 Service":
		o := &corev1.Service{}
		m.Services = append(m.Services, o)
		return strict(o)
	case "v1 ServiceAccount":
		o := &corev1.ServiceAccount{}
		m.ServiceAccounts = append(m.ServiceAccounts, o)
		return strict(o)
	case "v1 Namespace":
		o := &corev1.Namespace{}
		m.Namespaces = append(m.Namespaces, o)
		return strict(o)
	case "policy/v1 PodDisruptionBudget":
		o := &policyv1.PodDisruptionBudget{}
		m.PDBs = append(m.PDBs, o)
		return strict(o)
	case "autoscaling/v2 HorizontalPodAutoscaler":
		o := &autoscalingv2.HorizontalPodAutoscaler{}
		m.HPAs = append(m.HPAs, o)
		return strict(o)
	case "networking.k8s.io/v1 NetworkPolicy":
		o := &networkingv1.NetworkPolicy{}
		m.NetworkPolicies = append(m.NetworkPolicies, o)
		return strict(o)
	case "networking.k8s.io/v1 Ingress":
		o := &networkingv1.Ingress{}
		m.Ingresses = append(m.Ingresses, o)
		return strict(o)
	case "secrets-store.csi.x-k8s.io/v1 SecretProviderClass":
		o := &secretProviderClass{}
		m.SecretProviders = append(m.SecretProviders, o)
		if err := strict(o); err != nil {
			return err
		}
		_, err := o.objects()
		return err
	default:
		return fmt.Errorf("no strict type for apiVersion %q kind %q: add one to manifests.add", tm.APIVersion, tm.Kind)
	}
}

// splitDocuments splits a multi-document YAML stream on its "---" lines.
func splitDocuments(b []byte) [][]byte {
	var docs [][]byte
	for _, d := range regexp.MustCompile(`(?m)^---[ \t]*$`).Split(string(b), -1) {
		if strings.TrimSpace(stripComments(d)) != "" {
			docs = append(docs, []byte(d))
		}
	}
	return docs
}

func stripComments(s string) string {
	var out []string
	for _, line := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(line), "#") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "\n")
}

// build runs kustomize on dir (relative to this package) and returns the
// YAML stream it renders, as `kubectl apply -k` would send it.
func build(t *testing.T, dir string) []byte {
	t.Helper()
	k := krusty.MakeKustomizer(krusty.MakeDefaultOptions())
	res, err := k.Run(filesys.MakeFsOnDisk(), dir)
	require.NoError(t, err, "kustomize build %s", dir)
	out, err := res.AsYaml()
	require.NoError(t, err)
	return out
}

// decode decodes a built YAML stream strictly.
func decode(t *testing.T, stream []byte) *manifests {
	t.Helper()
	m := &manifests{}
	for _, doc := range splitDocuments(stream) {
		require.NoError(t, m.add(doc), "decoding\n%s", doc)
	}
	groups, err := prometheusGroups()
	require.NoError(t, err)
	m.PrometheusGroups = groups
	return m
}

// prometheusGroups reads every rule file under prometheus/ strictly.
func prometheusGroups() ([]ruleGroup, error) {
	files, err := filepath.Glob("prometheus/*.yaml")
	if err != nil {
		return nil, err
	}
	var groups []ruleGroup
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var rf ruleFile
		if err := yaml.UnmarshalStrict(b, &rf); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		groups = append(groups, rf.Groups...)
	}
	return groups, nil
}

// TestEveryManifestDecodesStrictly reads each YAML file under deploy/ as
// written (before kustomize), so a typo in a patch fails even where
// kustomize would silently carry it along.
func TestEveryManifestDecodesStrictly(t *testing.T) {
	var files []string
	require.NoError(t, filepath.WalkDir(".", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".yaml") || strings.HasSuffix(path, ".yml")) {
			files = append(files, path)
		}
		return err
	}))
	require.NotEmpty(t, files)
	for _, path := range files {
		t.Run(path, func(t *testing.T) {
			b, err := os.ReadFile(path)
			require.NoError(t, err)
			switch {
			case filepath.Base(path) == "kustomization.yaml":
				var k kusttypes.Kustomization
				require.NoError(t, yaml.UnmarshalStrict(b, &k))
				assert.Equal(t, "Kustomization", k.Kind)
			case strings.HasPrefix(path, "prometheus"+string(filepath.Separator)):
				var rf ruleFile
				require.NoError(t, yaml.UnmarshalStrict(b, &rf))
				assert.NotEmpty(t, rf.Groups)
			case bytes.HasPrefix(bytes.TrimSpace([]byte(stripComments(string(b)))), []byte("- op:")):
				var ops []jsonPatchOp
				require.NoError(t, yaml.UnmarshalStrict(b, &ops))
				for _, op := range ops {
					assert.Contains(t, []string{"add", "remove", "replace", "move", "copy", "test"}, op.Op, "%s: op", path)
					assert.True(t, strings.HasPrefix(op.Path, "/"), "%s: path %q", path, op.Path)
				}
			default:
				docs := splitDocuments(b)
				require.NotEmpty(t, docs)
				m := &manifests{}
				for _, doc := range docs {
					require.NoError(t, m.add(doc))
				}
			}
		})
	}
}

// TestKustomizationsListEveryFile catches a manifest added to a folder but
// never listed, and a listed file that does not exist.
func TestKustomizationsListEveryFile(t *testing.T) {
	for _, dir := range builds {
		t.Run(dir, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(dir, "kustomization.yaml"))
			require.NoError(t, err)
			var k kusttypes.Kustomization
			require.NoError(t, yaml.UnmarshalStrict(b, &k))
			listed := map[string]bool{}
			for _, r := range k.Resources {
				p := filepath.Join(dir, r)
				info, err := os.Stat(p)
				require.NoError(t, err, "resource %s", r)
				if info.IsDir() {
					_, err := os.Stat(filepath.Join(p, "kustomization.yaml"))
					require.NoError(t, err, "resource %s is a folder without kustomization.yaml", r)
					continue
				}
				listed[filepath.Base(r)] = true
			}
			for _, p := range k.Patches {
				if p.Path != "" {
					_, err := os.Stat(filepath.Join(dir, p.Path))
					require.NoError(t, err, "patch %s", p.Path)
					listed[filepath.Base(p.Path)] = true
				}
			}
			entries, err := os.ReadDir(dir)
			require.NoError(t, err)
			for _, e := range entries {
				if e.IsDir() || e.Name() == "kustomization.yaml" || !strings.HasSuffix(e.Name(), ".yaml") {
					continue
				}
				assert.True(t, listed[e.Name()], "%s/%s is not listed in its kustomization.yaml", dir, e.Name())
			}
			names := make([]string, 0, len(listed))
			for n := range listed {
				names = append(names, n)
			}
			slices.Sort(names)
			t.Logf("%s lists %v", dir, names)
		})
	}
}

// TestBuiltManifestsKeepTheirPromises builds each kustomization and checks
// every property the deployment promises (properties_test.go).
func TestBuiltManifestsKeepTheirPromises(t *testing.T) {
	for _, dir := range builds {
		t.Run(dir, func(t *testing.T) {
			m := decode(t, build(t, dir))
			require.Len(t, m.Deployments, 1)
			require.Len(t, m.Jobs, 1)
			for _, err := range check(m) {
				t.Error(err)
			}
		})
	}
}
