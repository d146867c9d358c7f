package model

import (
	"fmt"
	"strconv"
	"strings"
)

// Need levels: a must is a constraint (an option that does not fully cover
// it is never recommended); a want only moves the score.
const (
	LevelMust    = "must"
	LevelWant    = "want"
	LevelDefault = "default" // a form's choice: no level stored, the default applies
)

// CoverableNeeds are the needs an option's coverage is judged on, in the
// order forms and verdicts list them.
var CoverableNeeds = []string{"mtls", "l7_split", "retries", "multi_cluster", "circuit_breaking", "tracing", "audit_logs"}

// Level says whether a need is a must or a want. A mandate (mTLS, audit
// logs) is a must unless the team says otherwise; the rest are wants. With
// "encryption in transit is all we need", mTLS defaults to a want: the team
// has said node-level encryption will do.
func (n Needs) Level(need string) string {
	if l, ok := n.Levels[need]; ok && (l == LevelMust || l == LevelWant) {
		return l
	}
	switch need {
	case "mtls":
		if n.EncryptionOnly {
			return LevelWant
		}
		return LevelMust
	case "audit_logs":
		return LevelMust
	}
	return LevelWant
}

// Musts lists the needs asked for that are musts, in CoverableNeeds order.
func (n Needs) Musts() []string {
	var out []string
	for _, need := range CoverableNeeds {
		if n.asked(need) && n.Level(need) == LevelMust {
			out = append(out, need)
		}
	}
	return out
}

// asked says whether the team answered yes to a need.
func (n Needs) asked(need string) bool {
	switch need {
	case "mtls":
		return n.MTLS
	case "l7_split":
		return n.L7Split
	case "retries":
		return n.Retries && !n.AlreadyRetry
	case "multi_cluster":
		return n.MultiCluster
	case "circuit_breaking":
		return n.CircuitBreaking
	case "tracing":
		return n.Tracing
	case "audit_logs":
		return n.AuditLogs
	}
	return false
}

// Preferences are the judgement weights of the decision rules, shown and
// adjustable on step 3. Nil keeps the default.
type Preferences struct {
	SelfManaged *int `json:"self_managed_weight,omitempty"` // score of an option the team operates itself
	Preview     *int `json:"preview_weight,omitempty"`      // score of an accepted public preview
	Licence     *int `json:"licence_weight,omitempty"`      // score of an option whose stable builds need a paid licence
}

// Default judgement weights.
const (
	DefaultSelfManagedWeight = -5
	DefaultPreviewWeight     = -5
	DefaultLicenceWeight     = -5
)

var boundWeight = intBound{-100, 100}

func weightOr(p *int, def int) int {
	if p == nil {
		return def
	}
	return *p
}

// SelfManagedWeight is the score a self-managed option gets.
func (p Preferences) SelfManagedWeight() int {
	return weightOr(p.SelfManaged, DefaultSelfManagedWeight)
}

// PreviewWeight is the score an accepted preview gets.
func (p Preferences) PreviewWeight() int { return weightOr(p.Preview, DefaultPreviewWeight) }

// LicenceWeight is the score an option needing a paid licence gets.
func (p Preferences) LicenceWeight() int { return weightOr(p.Licence, DefaultLicenceWeight) }

// preferenceFields are the weights as form inputs (blank keeps the default).
var preferenceFields = []InputField{
	{Key: "preferences.self_managed_weight", Step: 3, Label: "Weight of self-managed", Unit: "points", Kind: FieldOverride, Min: "-100", Max: "100",
		Hint: fmt.Sprintf("A judgement, not a fact: how much an option you operate yourself (no Microsoft support) counts against it. Blank keeps %d; \"we prefer AKS-managed\" adds -20.", DefaultSelfManagedWeight)},
	{Key: "preferences.preview_weight", Step: 3, Label: "Weight of an accepted preview", Unit: "points", Kind: FieldOverride, Min: "-100", Max: "100",
		Hint: fmt.Sprintf("How much a public preview (no SLA) counts against it once previews are accepted on step 2. Blank keeps %d.", DefaultPreviewWeight)},
	{Key: "preferences.licence_weight", Step: 3, Label: "Weight of a paid licence", Unit: "points", Kind: FieldOverride, Min: "-100", Max: "100",
		Hint: fmt.Sprintf("How much needing a commercial licence for stable builds (Linkerd) counts against an option, beside its price. Blank keeps %d.", DefaultLicenceWeight)},
}

// needLevelFields are the must/want choices of step 2.
var needLevelFields = func() []InputField {
	var out []InputField
	for _, need := range CoverableNeeds {
		out = append(out, InputField{Key: "needs.levels." + need, Step: 2, Label: "If we need " + needLabel(need) + ", it is a", Kind: FieldChoice,
			Choices: []string{LevelDefault, LevelMust, LevelWant},
			Hint:    "must: an option that does not fully cover it is never recommended; want: it only moves the score; default: mTLS and audit logs are musts (mTLS a want with \"encryption in transit is all we need\"), the rest wants."})
	}
	return out
}()

func (a *Assessment) preferencePtr(key string) **int {
	switch key {
	case "preferences.self_managed_weight":
		return &a.Preferences.SelfManaged
	case "preferences.preview_weight":
		return &a.Preferences.Preview
	case "preferences.licence_weight":
		return &a.Preferences.Licence
	}
	return nil
}

// specialValue and setSpecial handle the inputs that are not plain fields:
// need levels and preference weights. ok is false for other keys.
func (a *Assessment) specialValue(key string) (string, bool) {
	if need, found := strings.CutPrefix(key, "needs.levels."); found {
		if l, ok := a.Needs.Levels[need]; ok {
			return l, true
		}
		return LevelDefault, true
	}
	if p := a.preferencePtr(key); p != nil {
		if *p == nil {
			return "", true
		}
		return strconv.Itoa(**p), true
	}
	return "", false
}

func (a *Assessment) setSpecial(key, raw string) (bool, error) {
	if need, found := strings.CutPrefix(key, "needs.levels."); found {
		if !isCoverable(need) {
			return true, fmt.Errorf("is not an input")
		}
		if raw == LevelDefault || raw == "" {
			delete(a.Needs.Levels, need)
			return true, nil
		}
		if raw != LevelMust && raw != LevelWant {
			return true, fmt.Errorf("must be %q, %q or %q", LevelMust, LevelWant, LevelDefault)
		}
		if a.Needs.Levels == nil {
			a.Needs.Levels = map[string]string{}
		}
		a.Needs.Levels[need] = raw
		return true, nil
	}
	if p := a.preferencePtr(key); p != nil {
		if raw == "" {
			*p = nil
			return true, nil
		}
		n, err := parseWhole(raw)
		if err != nil {
			return true, err
		}
		*p = &n
		return true, nil
	}
	return false, nil
}

func isCoverable(need string) bool {
	for _, n := range CoverableNeeds {
		if n == need {
			return true
		}
	}
	return false
}

// validateNeedsAndWeights checks need levels and preference weights.
func (v *validator) needsAndWeights(a Assessment) {
	for need, l := range a.Needs.Levels {
		if !isCoverable(need) {
			v.add("needs.levels."+need, "is not a need: use one of "+strings.Join(CoverableNeeds, ", "))
		} else if l != LevelMust && l != LevelWant {
			v.add("needs.levels."+need, fmt.Sprintf("must be %q or %q", LevelMust, LevelWant))
		}
	}
	for _, f := range preferenceFields {
		if p := (&a).preferencePtr(f.Key); *p != nil {
			v.int(f.Key, **p, boundWeight)
		}
	}
}
