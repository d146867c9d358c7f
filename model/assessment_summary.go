package model

import (
	"time"

	"github.com/shopspring/decimal"
)

// AssessmentSummary is the short form of a saved assessment used in lists.
type AssessmentSummary struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	UpdatedAt time.Time `json:"updated_at"`
	Version   int       `json:"version"`
	Step      int       `json:"step"` // the furthest wizard step reached (4: finished)
	Cluster   string    `json:"cluster"`
	Pods      int       `json:"pods"`
	Services  int       `json:"services"`
	Nodes     int       `json:"nodes"`
	// Verdict, when the list is asked for it: the recommended option and
	// its monthly total (share method, rounded to the cent).
	Recommended  string           `json:"recommended,omitempty"`
	MonthlyTotal *decimal.Decimal `json:"monthly_total,omitempty"`
	Currency     string           `json:"currency,omitempty"`
	// Inputs are the saved answers, for callers that compute the verdict.
	Inputs *Assessment `json:"-"`
}
