package model

import "time"

// AssessmentSummary is the short form of a saved assessment used in lists.
type AssessmentSummary struct {
	ID        string    `json:"id"`
	Title     string    `json:"title"`
	UpdatedAt time.Time `json:"updated_at"`
}
