package model

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Record statuses, derived from the log.
const (
	StatusProposed   = "proposed"
	StatusApproved   = "approved"
	StatusRejected   = "rejected"
	StatusSuperseded = "superseded"
	// StatusIntegrityFailure replaces a record's status while the log fails
	// verification: a page never shows a state the signatures do not cover.
	StatusIntegrityFailure = "integrity failure"
)

// Integrity says whether what a page shows is covered by the log's
// signatures and, if not, the first entry that fails and why.
type Integrity struct {
	OK       bool   `json:"ok"`
	FirstBad int64  `json:"first_bad"`
	Problem  string `json:"problem,omitempty"`
}

// Check is one item of the validation packet: what to show and the command
// that produces it.
type Check struct {
	Name    string `json:"name"`
	Command string `json:"command"`
}

// DecisionRecord is what a team decided, on which evidence, with which way
// back. It is written once, into a "proposed" log entry, and never changed.
type DecisionRecord struct {
	Title         string   `json:"title"`
	Cluster       string   `json:"cluster"`
	ResourceGroup string   `json:"resource_group"`
	Option        string   `json:"option"` // a catalog option ID; "no-mesh" for no mesh
	OptionName    string   `json:"option_name"`
	Owner         string   `json:"owner"`
	Approvers     []string `json:"approvers"`
	Scope         []string `json:"scope"` // approved namespaces
	Rationale     string   `json:"rationale"`
	Evidence      []Check  `json:"evidence"`
	Acceptance    []string `json:"acceptance"`
	Rollback      []string `json:"rollback"`
	ReviewBy      string   `json:"review_by"` // YYYY-MM-DD
	Supersedes    string   `json:"supersedes,omitempty"`
	Quorum        int      `json:"quorum,omitempty"`
	// PreviewAccepted records that the team accepts preview terms (no SLA)
	// for a production decision on a preview option.
	PreviewAccepted bool      `json:"preview_accepted,omitempty"` // distinct approvals needed; 0 means 1
	AssessmentID    string    `json:"assessment_id"`
	Recommendation  string    `json:"recommendation"`     // the verdict's headline at proposal time
	Estimate        *Estimate `json:"estimate,omitempty"` // inputs, figures and model version
}

// Validate checks a record before it is proposed.
func (r DecisionRecord) Validate(today time.Time) error {
	v := &validator{}
	// One-line fields carry no line breaks or control characters: exports
	// (MADR front matter, tables, commands) must not be re-shaped by them.
	for _, f := range []struct{ name, value string }{{"title", r.Title}, {"cluster", r.Cluster}, {"resource_group", r.ResourceGroup},
		{"owner", r.Owner}, {"review_by", r.ReviewBy}, {"supersedes", r.Supersedes}} {
		if hasControl(f.value, false) {
			v.add(f.name, "must be one line, without control characters")
		}
	}
	for _, list := range []struct {
		name  string
		items []string
	}{{"acceptance", r.Acceptance}, {"rollback", r.Rollback}, {"scope", r.Scope}} {
		for _, it := range list.items {
			if hasControl(it, false) {
				v.add(list.name, "each item must be one line, without control characters")
				break
			}
		}
	}
	for _, c := range r.Evidence {
		if hasControl(c.Name, false) || hasControl(c.Command, false) {
			v.add("evidence", "each check and its command must be one line, without control characters")
			break
		}
	}
	if hasControl(r.Rationale, true) {
		v.add("rationale", "must not contain control characters")
	}
	if r.Cluster != "" {
		if err := ValidClusterName(r.Cluster); err != nil {
			v.add("cluster", err.Error())
		}
	}
	if r.ResourceGroup != "" {
		if err := ValidResourceGroup(r.ResourceGroup); err != nil {
			v.add("resource_group", err.Error())
		}
	}
	seen := map[string]bool{}
	for _, a := range r.Approvers {
		e, err := NormalizeEmail(a)
		if err != nil || hasControl(a, false) {
			v.add("approvers", fmt.Sprintf("%q is not an email address: name approvers by the email they sign in with", a))
			break
		}
		if seen[e] {
			v.add("approvers", fmt.Sprintf("%s is named twice: each approver counts once", e))
			break
		}
		seen[e] = true
	}
	v.text("title", r.Title, 1, 200)
	v.text("cluster", r.Cluster, 1, 100)
	v.text("resource_group", r.ResourceGroup, 0, 100)
	if o, ok := optionByID(r.Option); !ok {
		v.add("option", fmt.Sprintf("must be one of the %d options of the catalog", len(Catalog)))
	} else if o.Preview && !r.PreviewAccepted {
		v.add("preview_accepted", o.Name+" is a public preview (no SLA): acknowledge the preview terms to propose it for production")
	}
	v.text("owner", r.Owner, 1, 200)
	v.text("rationale", r.Rationale, 1, 10_000)
	if len(r.Scope) == 0 {
		v.add("scope", "name at least one namespace the decision applies to")
	}
	for _, ns := range r.Scope {
		if !isDNSLabel(ns) {
			v.add("scope", fmt.Sprintf("%q is not a namespace name (lower-case letters, digits and '-', at most 63)", ns))
			break
		}
	}
	if r.Quorum < 0 || r.Quorum > MaxQuorum {
		v.add("quorum", fmt.Sprintf("must be between 1 and %d approvers", MaxQuorum))
	} else if len(r.Approvers) > 0 && r.Quorum > len(r.Approvers) {
		v.add("quorum", fmt.Sprintf("asks for %d approvals but names only %d approver(s)", r.Quorum, len(r.Approvers)))
	}
	if len(r.Rollback) == 0 {
		v.add("rollback", "write the commands that undo the change")
	}
	if len(r.Evidence) == 0 {
		v.add("evidence", "list at least one check with the command that produces it")
	}
	if d, err := time.Parse("2006-01-02", r.ReviewBy); err != nil {
		v.add("review_by", "must be a date as YYYY-MM-DD")
	} else if !d.After(today) {
		v.add("review_by", "must be after today")
	}
	return v.err()
}

// hasControl reports control characters in s; multiline allows line
// breaks and tabs.
func hasControl(s string, multiline bool) bool {
	for _, r := range s {
		if multiline && (r == '\n' || r == '\r' || r == '\t') {
			continue
		}
		if r < 0x20 || r == 0x7f || r == '\u2028' || r == '\u2029' {
			return true
		}
	}
	return false
}

// namedApprover reports whether email is one of the approvers a record
// names (any approver may decide when it names none).
func (r DecisionRecord) namedApprover(email string) bool {
	if len(r.Approvers) == 0 {
		return true
	}
	for _, a := range r.Approvers {
		if strings.EqualFold(strings.TrimSpace(a), email) {
			return true
		}
	}
	return false
}

func optionByID(id string) (Option, bool) {
	for _, o := range Catalog {
		if o.ID == id {
			return o, true
		}
	}
	return Option{}, false
}

func isDNSLabel(s string) bool {
	if s == "" || len(s) > 63 || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// MaxQuorum bounds how many distinct approvals a record may ask for.
const MaxQuorum = 9

// NeededApprovals is the record's quorum: how many distinct approvers must
// approve it (1 unless the proposer asked for more).
func (r DecisionRecord) NeededApprovals() int {
	if r.Quorum < 1 {
		return 1
	}
	return r.Quorum
}

// RecordState is a record as the log tells it: the record, its status and
// its history.
type RecordState struct {
	ID        string
	Record    DecisionRecord
	Status    string
	Proposer  Actor
	Approvals []Actor // distinct approvers so far, in order
	History   []LogEntry
	LastCheck *LogEntry // the latest "checked" entry, if any
}

// Overdue reports whether an approved record is past its review date.
func (s RecordState) Overdue(today time.Time) bool {
	d, err := time.Parse("2006-01-02", s.Record.ReviewBy)
	return err == nil && s.Status == StatusApproved && today.After(d)
}

// NewRecordState starts a record from its "proposed" entry; ok is false for
// any other entry.
func NewRecordState(e LogEntry) (RecordState, bool) {
	if e.Event != EventProposed || e.Record == nil || e.RecordID == "" {
		return RecordState{}, false
	}
	return RecordState{ID: e.RecordID, Record: *e.Record, Status: StatusProposed, Proposer: e.Actor, History: []LogEntry{e}}, true
}

// Apply adds a later entry of the record to its state. An approval counts
// once per approver; the record is approved when the quorum is reached.
func (s *RecordState) Apply(e LogEntry) {
	s.History = append(s.History, e)
	switch e.Event {
	case EventApproved:
		if s.Status != StatusProposed || s.approvedBy(e.Actor.ID) {
			return
		}
		s.Approvals = append(s.Approvals, e.Actor)
		if len(s.Approvals) >= s.Record.NeededApprovals() {
			s.Status = StatusApproved
		}
	case EventRejected:
		if s.Status == StatusProposed {
			s.Status = StatusRejected
		}
	case EventSuperseded:
		if s.Status == StatusApproved {
			s.Status = StatusSuperseded
		}
	case EventChecked:
		last := e
		s.LastCheck = &last
	}
}

func (s RecordState) approvedBy(id string) bool {
	for _, a := range s.Approvals {
		if a.ID == id {
			return true
		}
	}
	return false
}

// Completes reports whether one more approval would approve the record.
func (s RecordState) Completes() bool {
	return s.Status == StatusProposed && len(s.Approvals)+1 >= s.Record.NeededApprovals()
}

// Replay derives every record's state from the log's entries, in order,
// newest record first.
func Replay(entries []LogEntry) []RecordState {
	byID := map[string]*RecordState{}
	var order []string
	for _, e := range entries {
		if e.RecordID == "" {
			continue
		}
		st, ok := byID[e.RecordID]
		if !ok {
			fresh, ok := NewRecordState(e)
			if !ok {
				continue
			}
			byID[e.RecordID], order = &fresh, append(order, e.RecordID)
			continue
		}
		st.Apply(e)
	}
	out := make([]RecordState, 0, len(order))
	for i := len(order) - 1; i >= 0; i-- {
		out = append(out, *byID[order[i]])
	}
	return out
}

// Transition checks that an event may follow a record's current status and
// that the actor may cause it: approvals and rejections need an approver who
// did not propose the record (four eyes), and each approver counts once.
func Transition(st RecordState, event string, actor Principal) error {
	verb := map[string]string{EventApproved: "approve", EventRejected: "reject", EventSuperseded: "supersede"}[event]
	switch event {
	case EventApproved, EventRejected:
		if !actor.Role.AtLeast(RoleApprover) {
			return Errorf(EFORBIDDEN, "Only an approver can %s a record; your role is %s.", verb, actor.Role)
		}
		if actor.User.ID == st.Proposer.ID {
			return Errorf(EFORBIDDEN, "You proposed this record, so you cannot %s it: another approver must (four eyes).", verb)
		}
		if st.Status != StatusProposed {
			return Errorf(ECONFLICT, "The record is already %s; only a proposed record can be %sd.", st.Status, verb)
		}
		if !st.Record.namedApprover(actor.User.Email) {
			return Errorf(EFORBIDDEN, "This record names its approvers (%s); you are not one of them, so you cannot %s it.", strings.Join(st.Record.Approvers, ", "), verb)
		}
		if event == EventApproved && st.approvedBy(actor.User.ID) {
			return Errorf(ECONFLICT, "You have already approved this record; it needs %d more approval(s) from other approvers.",
				st.Record.NeededApprovals()-len(st.Approvals))
		}
	case EventSuperseded:
		if st.Status != StatusApproved {
			return Errorf(ECONFLICT, "Only an approved record can be superseded; this one is %s.", st.Status)
		}
	case EventChecked:
		if !actor.Role.AtLeast(RoleArchitect) {
			return Errorf(EFORBIDDEN, "Only an architect or a pipeline token with that role can sign a drift check; your role is %s.", actor.Role)
		}
	default:
		return Errorf(EINVALID, "Unknown event %q.", event)
	}
	return nil
}

// MaxNoteLength bounds an approval note or a rejection reason.
const MaxNoteLength = 2000

// CheckNote checks the note signed with a decision: a rejection must say
// why; any note is at most MaxNoteLength characters.
func CheckNote(event, note string) error {
	switch {
	case len([]rune(note)) > MaxNoteLength:
		return Invalid("note", fmt.Sprintf("must be at most %d characters", MaxNoteLength))
	case hasControl(note, false):
		return Invalid("note", "must be one line, without control characters")
	case event == EventRejected && strings.TrimSpace(note) == "":
		return Invalid("note", "must say why the record is rejected: the reason is signed into the log")
	}
	return nil
}

// MADR renders a record in the Markdown Architecture Decision Record
// layout, for teams that keep ADRs in git: with the record's ID, status,
// each entry's hash and the command that verifies them. Every value is
// quoted or escaped for where it lands (YAML strings, Markdown text,
// table cells, fences longer than any backticks inside), so no field can
// reshape the document.
func (s RecordState) MADR() string {
	r := s.Record
	var b strings.Builder
	var deciders []string
	for _, e := range s.History {
		if e.Event == EventApproved || e.Event == EventProposed {
			deciders = append(deciders, e.Actor.Email)
		}
	}
	fmt.Fprintf(&b, "---\nstatus: %s\ndate: %s\ndecision-makers: %s\nconsulted: %s\nmeshwise-record: %s\nmeshwise-assessment: %s\n---\n\n",
		yamlString(s.Status), yamlString(dateOf(s.History)), yamlString(strings.Join(deciders, ", ")), yamlString(strings.Join(r.Approvers, ", ")),
		yamlString(s.ID), yamlString(r.AssessmentID))
	fmt.Fprintf(&b, "# %s\n\n## Context and Problem Statement\n\nShould cluster %s adopt a service mesh, which one, and at what cost? Owner: %s. Scope: %s.\n\n",
		mdText(r.Title), mdText(r.Cluster), mdText(r.Owner), mdText(strings.Join(r.Scope, ", ")))
	est := r.Estimate
	if est == nil {
		est = &Estimate{}
	}
	fmt.Fprintf(&b, "## Considered Options\n\n")
	opts := append([]OptionEstimate(nil), est.Options...)
	sort.SliceStable(opts, func(i, j int) bool { return opts[i].Monthly.Total.LessThan(opts[j].Monthly.Total) })
	for _, o := range opts {
		fmt.Fprintf(&b, "* %s — %s %s/month, +%d nodes, +%s ms p99 per request\n", mdText(o.Name), o.Monthly.Total.StringFixed(2), est.Currency, o.AddedNodes, o.Latency.P99)
	}
	fmt.Fprintf(&b, "\n## Decision Outcome\n\nChosen option: \"%s\".\n\nRationale:\n\n%s\n\nmeshwise's verdict at proposal time: %s\n\n", mdText(r.OptionName), mdQuote(r.Rationale), mdText(r.Recommendation))
	fmt.Fprintf(&b, "### Consequences\n\n")
	if o, ok := est.Option(r.Option); ok {
		fmt.Fprintf(&b, "* Resources: %s cores and %s GiB requested, %d nodes added on %s.\n", o.Requests.CPUCores, o.Requests.MemoryGiB.Decimal().StringFixed(2), o.AddedNodes, mdText(est.SKU.Name))
		fmt.Fprintf(&b, "* Money: %s %s per month (model %s).\n", o.Monthly.Total.StringFixed(2), est.Currency, est.ModelVersion)
		fmt.Fprintf(&b, "* Operated by: %s.\n", mdText(o.OperatedBy))
	}
	fence := fenceFor(r.Rollback...)
	fmt.Fprintf(&b, "* Rollback:\n\n  %ssh\n", fence)
	for _, c := range r.Rollback {
		fmt.Fprintf(&b, "  %s\n", c)
	}
	fmt.Fprintf(&b, "  %s\n", fence)
	fmt.Fprintf(&b, "\n### Confirmation\n\nAcceptance criteria:\n\n")
	for _, a := range r.Acceptance {
		fmt.Fprintf(&b, "* %s\n", mdText(a))
	}
	fmt.Fprintf(&b, "\nEvidence (validation packet):\n\n")
	for _, c := range r.Evidence {
		f := strings.Repeat("`", longestBackticks(c.Command)+1)
		fmt.Fprintf(&b, "* %s: %s %s %s\n", mdText(c.Name), f, c.Command, f)
	}
	fmt.Fprintf(&b, "\nReview by %s.\n", mdText(r.ReviewBy))
	if r.Supersedes != "" {
		fmt.Fprintf(&b, "\nSupersedes record %s.\n", mdText(r.Supersedes))
	}
	fmt.Fprintf(&b, "\n## Signed history\n\n| entry | time | event | by | note | entry hash |\n|---|---|---|---|---|---|\n")
	for _, e := range s.History {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s | `%s` |\n", e.Seq, e.Time, e.Event, mdCell(e.Actor.Email), mdCell(e.Note), e.Hash)
	}
	fmt.Fprintf(&b, "\nVerify offline: download the bundle (`GET /api/v1/export`) and the keys (`GET /api/v1/keys > keys.json`), then run `meshwise verify --key keys.json bundle.json`; each hash above is an entry of that bundle.\n")
	return b.String()
}

// yamlString quotes a value for YAML front matter (a JSON string is a YAML
// double-quoted scalar).
func yamlString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// mdEscaper keeps text from becoming Markdown or HTML markup.
var mdEscaper = strings.NewReplacer("\\", "\\\\", "`", "\\`", "*", "\\*", "_", "\\_", "[", "\\[", "]", "\\]", "<", "&lt;", ">", "&gt;", "#", "\\#", "|", "\\|", "\n", " ", "\r", " ")

func mdText(s string) string { return mdEscaper.Replace(s) }

// mdCell is text inside a table cell.
func mdCell(s string) string { return mdText(s) }

// mdQuote sets multi-line text as a block quote, each line escaped.
func mdQuote(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = "> " + mdText(l)
	}
	return strings.Join(lines, "\n")
}

// fenceFor is a code fence longer than any run of backticks in the lines.
func fenceFor(lines ...string) string {
	return strings.Repeat("`", max(3, longestBackticks(lines...)+1))
}

func longestBackticks(lines ...string) int {
	longest := 0
	for _, l := range lines {
		run := 0
		for _, r := range l {
			if r == '`' {
				run++
				longest = max(longest, run)
			} else {
				run = 0
			}
		}
	}
	return longest
}

func dateOf(h []LogEntry) string {
	if len(h) == 0 {
		return ""
	}
	return h[len(h)-1].Time[:10]
}
