-- +goose Up
-- An assessment is one team's answers and assumptions; drafts are saved at
-- every wizard step. Inputs are stored as the JSON the model validated.
CREATE TABLE assessments (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title       text        NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    inputs      jsonb       NOT NULL DEFAULT '{}'::jsonb,
    version     integer     NOT NULL DEFAULT 1 CHECK (version > 0),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX assessments_updated_at_idx ON assessments (updated_at DESC);

-- +goose Down
DROP TABLE assessments;
