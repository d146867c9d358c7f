-- +goose Up
-- The furthest wizard step a draft has reached, so the results page knows
-- whether every step was seen.
ALTER TABLE assessments ADD COLUMN step smallint NOT NULL DEFAULT 1 CHECK (step BETWEEN 1 AND 4);

-- +goose Down
ALTER TABLE assessments DROP COLUMN step;
