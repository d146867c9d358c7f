package store

import (
	"context"

	"github.com/jackc/pgx/v5"

	"meshwise/model"
)

// RecentAssessments returns up to limit assessments, most recently changed first.
func (s *Store) RecentAssessments(ctx context.Context, limit int) ([]model.AssessmentSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id::text, title, updated_at
		FROM assessments
		ORDER BY updated_at DESC
		LIMIT $1`, limit)
	if err != nil {
		return nil, wrap(err, "unable to list assessments")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.AssessmentSummary, error) {
		var a model.AssessmentSummary
		err := row.Scan(&a.ID, &a.Title, &a.UpdatedAt)
		return a, err
	})
	if err != nil {
		return nil, wrap(err, "unable to list assessments")
	}
	return list, nil
}
