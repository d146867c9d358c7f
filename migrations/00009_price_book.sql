-- +goose Up
-- Today's prices, as FinOps keeps them: each row is a complete pricing
-- (the assessment's pricing fields) set by an admin; the newest row is in
-- force. The portfolio's "re-price today" runs signed records' inputs
-- against it. Rows are never changed, so the history of prices stays.
CREATE TABLE price_book (
    id      bigserial PRIMARY KEY,
    pricing jsonb       NOT NULL,
    set_by  text        NOT NULL,
    set_at  timestamptz NOT NULL DEFAULT now()
);

-- +goose Down
DROP TABLE price_book;
