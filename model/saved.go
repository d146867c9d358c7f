package model

import "time"

// SavedAssessment is an assessment as stored: a draft that the wizard saves
// at every step. Version rises by one with every save; a save names the
// version it started from, so two tabs cannot overwrite each other silently.
type SavedAssessment struct {
	ID         string
	Assessment Assessment
	Version    int
	Step       int // furthest wizard step reached, 1-4
	CreatedAt  time.Time
	UpdatedAt  time.Time
}
