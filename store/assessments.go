package store

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"meshwise/model"
)

// RecentAssessments returns up to limit assessments, most recently changed first.
func (s *Store) RecentAssessments(ctx context.Context, limit int) ([]model.AssessmentSummary, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT id::text, title, updated_at, version, step, inputs
		FROM assessments
		ORDER BY updated_at DESC
		LIMIT $1`, limit)
	if err != nil {
		return nil, wrap(err, "unable to list assessments")
	}
	list, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (model.AssessmentSummary, error) {
		var a model.AssessmentSummary
		var inputs []byte
		if err := row.Scan(&a.ID, &a.Title, &a.UpdatedAt, &a.Version, &a.Step, &inputs); err != nil {
			return a, err
		}
		in := model.DefaultAssessment()
		if json.Unmarshal(inputs, &in) == nil {
			a.Inputs, a.Cluster, a.Pods, a.Services, a.Nodes = &in, in.Cluster, in.Pods, in.Services, in.Nodes
		}
		return a, nil
	})
	if err != nil {
		return nil, wrap(err, "unable to list assessments")
	}
	return list, nil
}

// CreateAssessment saves a new draft and returns it.
func (s *Store) CreateAssessment(ctx context.Context, a model.Assessment) (model.SavedAssessment, error) {
	inputs, err := json.Marshal(a)
	if err != nil {
		return model.SavedAssessment{}, wrap(err, "unable to encode assessment")
	}
	row := s.pool.QueryRow(ctx, `
		INSERT INTO assessments (title, inputs) VALUES ($1, $2)
		RETURNING id::text, version, step, created_at, updated_at`, a.Title, inputs)
	saved := model.SavedAssessment{Assessment: a}
	if err := row.Scan(&saved.ID, &saved.Version, &saved.Step, &saved.CreatedAt, &saved.UpdatedAt); err != nil {
		return model.SavedAssessment{}, wrap(err, "unable to create assessment")
	}
	return saved, nil
}

// GetAssessment returns a saved assessment, or ENOTFOUND.
func (s *Store) GetAssessment(ctx context.Context, id string) (model.SavedAssessment, error) {
	if !isUUID(id) {
		return model.SavedAssessment{}, model.Errorf(model.ENOTFOUND, "There is no assessment %q.", id)
	}
	var inputs []byte
	saved := model.SavedAssessment{ID: id}
	err := s.pool.QueryRow(ctx, `
		SELECT inputs, version, step, created_at, updated_at FROM assessments WHERE id = $1`, id).
		Scan(&inputs, &saved.Version, &saved.Step, &saved.CreatedAt, &saved.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.SavedAssessment{}, model.Errorf(model.ENOTFOUND, "There is no assessment %q.", id)
	}
	if err != nil {
		return model.SavedAssessment{}, wrap(err, "unable to read assessment")
	}
	saved.Assessment = model.DefaultAssessment()
	if err := json.Unmarshal(inputs, &saved.Assessment); err != nil {
		return model.SavedAssessment{}, wrap(err, "unable to decode stored assessment")
	}
	return saved, nil
}

// UpdateAssessment saves a new state of a draft if it is still at version;
// otherwise it returns ECONFLICT (someone saved in between) or ENOTFOUND.
// step only ever moves forward.
func (s *Store) UpdateAssessment(ctx context.Context, id string, version int, a model.Assessment, step int) (model.SavedAssessment, error) {
	if !isUUID(id) {
		return model.SavedAssessment{}, model.Errorf(model.ENOTFOUND, "There is no assessment %q.", id)
	}
	inputs, err := json.Marshal(a)
	if err != nil {
		return model.SavedAssessment{}, wrap(err, "unable to encode assessment")
	}
	saved := model.SavedAssessment{ID: id, Assessment: a}
	err = s.pool.QueryRow(ctx, `
		UPDATE assessments
		SET title = $3, inputs = $4, version = version + 1, step = GREATEST(step, $5), updated_at = now()
		WHERE id = $1 AND version = $2
		RETURNING version, step, created_at, updated_at`, id, version, a.Title, inputs, step).
		Scan(&saved.Version, &saved.Step, &saved.CreatedAt, &saved.UpdatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		if _, getErr := s.GetAssessment(ctx, id); getErr != nil {
			return model.SavedAssessment{}, getErr
		}
		return model.SavedAssessment{}, model.Errorf(model.ECONFLICT,
			"This assessment was changed elsewhere (another tab or person) after you opened this page. Your answers are still in the form; reload the step to see the saved version, then apply them again.")
	}
	if err != nil {
		return model.SavedAssessment{}, wrap(err, "unable to save assessment")
	}
	return saved, nil
}

func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, r := range s {
		switch {
		case i == 8 || i == 13 || i == 18 || i == 23:
			if r != '-' {
				return false
			}
		case (r >= '0' && r <= '9') || (r >= 'a' && r <= 'f') || (r >= 'A' && r <= 'F'):
		default:
			return false
		}
	}
	return true
}
