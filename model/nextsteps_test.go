package model

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/nextsteps")

// renderSteps writes every step of an option's commands as one text.
func renderSteps(ns NextSteps) string {
	var b strings.Builder
	for _, part := range []struct {
		name  string
		steps []Snippet
	}{{"pilot", ns.Pilot}, {"evidence", ns.Evidence}, {"rollback", ns.Rollback}} {
		for _, s := range part.steps {
			b.WriteString("## " + part.name + ": " + s.Title + " (" + s.Lang + ")\n" + s.Code + "\n\n")
		}
	}
	return b.String()
}

// Golden files for every option × step, with names entered (one with
// parentheses and a period, which must be quoted) and with placeholders.
func TestNextStepsGolden(t *testing.T) {
	for _, o := range Catalog {
		t.Run(o.ID, func(t *testing.T) {
			named := DefaultAssessment()
			named.Cluster, named.ResourceGroup = "aks-prod_01", "rg-platform(eu).v2"
			blank := DefaultAssessment()
			blank.Cluster, blank.ResourceGroup = "", ""
			got := "# cluster aks-prod_01, resource group rg-platform(eu).v2\n\n" + renderSteps(PlanNextSteps(named, o.ID)) +
				"# no cluster or resource group entered\n\n" + renderSteps(PlanNextSteps(blank, o.ID))
			path := filepath.Join("testdata", "nextsteps", o.ID+".golden")
			if *update {
				require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
				require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
			}
			want, err := os.ReadFile(path)
			require.NoError(t, err, "run go test ./model -run NextStepsGolden -update")
			assert.Equal(t, string(want), got)
			ns := PlanNextSteps(named, o.ID)
			for _, s := range append(append(ns.Pilot, ns.Evidence...), ns.Rollback...) {
				assert.NotContains(t, s.Title, "%%", "stray %% in %q", s.Title)
				assert.NotContains(t, s.Code, "%!", "formatting slip in %q", s.Title)
				if s.Lang == "sh" {
					assert.NotContains(t, s.Code, "<resource-group>", "the resource group is substituted")
					_, err := syntax.NewParser().Parse(strings.NewReader(s.Code), "")
					assert.NoError(t, err, "%s does not parse as shell", s.Title)
				}
			}
		})
	}
}

// argv is one simple command's words, each as the shell would pass it, with
// a command substitution standing as "$(…)" (its own commands are listed
// separately).
type argv []string

// commandsOf parses a script and lists every simple command's argument
// vector; ok is false when a word holds anything but literals and quotes
// (a parameter expansion, arithmetic, a glob the shell might expand).
func commandsOf(t *testing.T, code string) ([]argv, bool) {
	f, err := syntax.NewParser().Parse(strings.NewReader(code), "")
	if err != nil {
		return nil, false
	}
	var out []argv
	ok := true
	syntax.Walk(f, func(n syntax.Node) bool {
		call, isCall := n.(*syntax.CallExpr)
		if !isCall {
			return true
		}
		var av argv
		for _, w := range call.Args {
			s, lit := wordValue(w)
			if !lit {
				ok = false
			}
			av = append(av, s)
		}
		out = append(out, av)
		return true
	})
	return out, ok
}

func wordValue(w *syntax.Word) (string, bool) {
	var b strings.Builder
	lit := true
	var part func(p syntax.WordPart)
	part = func(p syntax.WordPart) {
		switch x := p.(type) {
		case *syntax.Lit:
			if strings.ContainsAny(x.Value, "*?[") {
				lit = false // a glob
			}
			b.WriteString(strings.ReplaceAll(x.Value, `\`, ""))
		case *syntax.SglQuoted:
			b.WriteString(x.Value)
		case *syntax.DblQuoted:
			for _, q := range x.Parts {
				part(q)
			}
		case *syntax.CmdSubst:
			b.WriteString("$(…)")
		default:
			lit = false
		}
	}
	for _, p := range w.Parts {
		part(p)
	}
	return b.String(), lit
}

// Fuzz: for any cluster and resource-group name the validation accepts, every
// generated shell command has exactly the argument vectors it has for plain
// names, with the names in place: no name can add a command, a word, a
// redirection or an expansion.
func FuzzCommandsKeepTheirMeaning(f *testing.F) {
	for _, seed := range [][2]string{{"aks-prod", "rg-prod"}, {"a", "rg(eu).v2"}, {"A_1", "Ünïcödé-rg"}, {"aks prod;rm -rf /", "rg$(id)"}, {"x`id`", "rg'; rm -rf / #"}} {
		f.Add(seed[0], seed[1])
	}
	const baseCluster, baseRG = "basecluster0", "baserg0"
	f.Fuzz(func(t *testing.T, cluster, rg string) {
		if ValidClusterName(cluster) != nil || ValidResourceGroup(rg) != nil {
			a := DefaultAssessment()
			a.Cluster, a.ResourceGroup = cluster, rg
			if strings.TrimSpace(cluster) != "" || strings.TrimSpace(rg) != "" {
				// A refused name never reaches a command: Validate names it.
				if err := a.Validate(); err == nil {
					if ValidClusterName(strings.TrimSpace(cluster)) != nil && strings.TrimSpace(cluster) != "" {
						t.Fatalf("cluster %q accepted", cluster)
					}
				}
			}
			return
		}
		for _, o := range Catalog {
			base := DefaultAssessment()
			base.Cluster, base.ResourceGroup = baseCluster, baseRG
			got := DefaultAssessment()
			got.Cluster, got.ResourceGroup = cluster, rg
			bs, gs := PlanNextSteps(base, o.ID), PlanNextSteps(got, o.ID)
			bAll := append(append(bs.Pilot, bs.Evidence...), bs.Rollback...)
			gAll := append(append(gs.Pilot, gs.Evidence...), gs.Rollback...)
			require.Len(t, gAll, len(bAll))
			for i := range bAll {
				if bAll[i].Lang != "sh" {
					continue
				}
				want, _ := commandsOf(t, bAll[i].Code)
				have, lit := commandsOf(t, gAll[i].Code)
				require.True(t, lit, "%s %q: a word is no longer literal:\n%s", o.ID, bAll[i].Title, gAll[i].Code)
				require.Len(t, have, len(want), "%s %q: commands changed:\n%s", o.ID, bAll[i].Title, gAll[i].Code)
				for j := range want {
					exp := make(argv, len(want[j]))
					for k, w := range want[j] {
						exp[k] = strings.ReplaceAll(strings.ReplaceAll(w, baseCluster, cluster), baseRG, rg)
					}
					require.Equal(t, exp, have[j], "%s %q", o.ID, bAll[i].Title)
				}
			}
		}
	})
}

// The names from the issue are refused by the validation, field by field.
func TestNamesFollowAKSRules(t *testing.T) {
	tests := []struct {
		cluster, rg string
		fields      []string
	}{
		{"aks prod;rm -rf /", "", []string{"cluster"}},
		{"aks-prod", "rg$(id)", []string{"resource_group"}},
		{"-aks", "rg.", []string{"cluster", "resource_group"}},
		{strings.Repeat("a", 64), "", []string{"cluster"}},
		{"aks_prod-01", "rg-platform(eu).v2", nil},
		{"", "", nil},
	}
	for _, tt := range tests {
		a := DefaultAssessment()
		a.Cluster, a.ResourceGroup = tt.cluster, tt.rg
		var fields []string
		if err := a.Validate(); err != nil {
			for _, fe := range err.(*Error).Fields {
				fields = append(fields, fe.Field)
			}
		}
		assert.Equal(t, tt.fields, fields, "%q %q", tt.cluster, tt.rg)
	}
}
