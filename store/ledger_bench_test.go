package store_test

import (
	"context"
	"testing"

	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

// BenchmarkWriters16 compares, on the same database and with 16 concurrent
// writers, signed log appends (advisory lock, Merkle hashes, checkpoint,
// one transaction each) with plain single-row INSERT commits.
func BenchmarkWriters16(b *testing.B) {
	ctx := context.Background()
	url := storetest.NewDatabase(b)
	st, err := store.Open(ctx, url, store.Options{MaxConns: 16, Signer: storetest.NewSigningKey(b)})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := st.Pool().Exec(ctx, `CREATE TABLE bench_inserts (id bigserial PRIMARY KEY, payload bytea NOT NULL)`); err != nil {
		b.Fatal(err)
	}
	payload := make([]byte, 600) // about the size of an approval envelope
	b.Run("insert-commit", func(b *testing.B) {
		b.SetParallelism(8) // x GOMAXPROCS 2 = 16 writers
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := st.Pool().Exec(ctx, `INSERT INTO bench_inserts (payload) VALUES ($1)`, payload); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("log-append", func(b *testing.B) {
		b.SetParallelism(8)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := st.Propose(ctx, architect, model.DecisionRecord{Title: "bench"}); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
