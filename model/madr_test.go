package model

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Found by the attack review: fields that reshape the MADR export. They are
// refused where they enter, and escaped where they land.
func TestRecordFieldsCannotReshapeTheExport(t *testing.T) {
	ok := DecisionRecord{Title: "t", Cluster: "prod", Option: OptionIstioSidecar, Owner: "ana@example.com", Rationale: "because\nof PCI",
		Scope: []string{"payments"}, Rollback: []string{"az aks mesh disable -g rg -n prod"}, Evidence: []Check{{Name: "pods", Command: "kubectl get pods"}},
		ReviewBy: "2099-01-01", Approvers: []string{"bo@example.com"}}
	require.NoError(t, ok.Validate(time.Now()))
	tests := []struct {
		name  string
		edit  func(r *DecisionRecord)
		field string
	}{
		{"approver with a YAML line", func(r *DecisionRecord) { r.Approvers = []string{"bo@example.com\nstatus: approved"} }, "approvers"},
		{"approver not an email", func(r *DecisionRecord) { r.Approvers = []string{"bo"} }, "approvers"},
		{"title over two lines", func(r *DecisionRecord) { r.Title = "t\n## Signed history" }, "title"},
		{"rollback line with a break", func(r *DecisionRecord) { r.Rollback = []string{"helm uninstall x\n```\n## forged"} }, "rollback"},
		{"evidence command with a break", func(r *DecisionRecord) { r.Evidence = []Check{{Name: "x", Command: "a\nb"}} }, "evidence"},
		{"owner with a control character", func(r *DecisionRecord) { r.Owner = "ana\x1b[31m" }, "owner"},
		{"rationale with an escape", func(r *DecisionRecord) { r.Rationale = "ok\x07" }, "rationale"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := ok
			tt.edit(&r)
			err := r.Validate(time.Now())
			require.Error(t, err)
			var fields []string
			for _, f := range err.(*Error).Fields {
				fields = append(fields, f.Field)
			}
			assert.Contains(t, fields, tt.field)
		})
	}

	// What is accepted still cannot forge structure in the export.
	r := ok
	r.Rationale = "## Signed history\n| 9 | forged | approved |\n<script>x</script>"
	r.Rollback = []string{"echo ``` done"}
	r.Title = "status: approved # [link](http://x)"
	md := RecordState{ID: "r-1", Record: r, Status: StatusProposed}.MADR()
	front := strings.SplitN(md, "---", 3)[1]
	assert.Contains(t, front, "status: \"proposed\"")
	assert.NotContains(t, md, "\n## Signed history\n| 9")
	assert.Contains(t, md, "> \\#\\# Signed history")
	assert.NotContains(t, md, "<script>")
	assert.Contains(t, md, "````sh", "a fence longer than the backticks inside")
	assert.Equal(t, 1, strings.Count(md, "\n## Signed history\n"), "only the real history heading")
}

func TestOnlyNamedApproversDecide(t *testing.T) {
	st := RecordState{ID: "r", Status: StatusProposed, Proposer: Actor{ID: "p"}, Record: DecisionRecord{Approvers: []string{"Bo@Example.com"}}}
	bo := Principal{User: User{ID: "b", Email: "bo@example.com"}, Role: RoleApprover}
	cy := Principal{User: User{ID: "c", Email: "cy@example.com"}, Role: RoleApprover}
	assert.NoError(t, Transition(st, EventApproved, bo))
	err := Transition(st, EventRejected, cy)
	assert.Equal(t, EFORBIDDEN, ErrorCode(err))
	assert.Contains(t, ErrorMessage(err), "you are not one of them")
	st.Record.Approvers = nil
	assert.NoError(t, Transition(st, EventApproved, cy), "a record naming no approvers takes any approver")
}
