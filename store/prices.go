package store

import (
	"context"
	"encoding/json"
	"errors"

	"github.com/jackc/pgx/v5"

	"meshwise/model"
)

// CurrentPrices returns the newest price book, or ok false when none was
// ever set.
func (s *Store) CurrentPrices(ctx context.Context) (model.PriceBook, bool, error) {
	var b model.PriceBook
	var raw []byte
	err := s.pool.QueryRow(ctx, `SELECT pricing, set_by, set_at FROM price_book ORDER BY id DESC LIMIT 1`).Scan(&raw, &b.SetBy, &b.SetAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return model.PriceBook{}, false, nil
	}
	if err != nil {
		return model.PriceBook{}, false, wrap(err, "unable to read the price book")
	}
	if err := json.Unmarshal(raw, &b.Pricing); err != nil {
		return model.PriceBook{}, false, wrap(err, "unable to read the price book")
	}
	return b, true, nil
}

// SetPrices puts a new pricing in force.
func (s *Store) SetPrices(ctx context.Context, p model.Pricing, by string) error {
	raw, err := json.Marshal(p)
	if err != nil {
		return wrap(err, "unable to write the price book")
	}
	_, err = s.pool.Exec(ctx, `INSERT INTO price_book (pricing, set_by) VALUES ($1, $2)`, raw, by)
	return wrap(err, "unable to write the price book")
}
