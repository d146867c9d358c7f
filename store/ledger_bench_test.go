package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

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

// BenchmarkArchive10k times one page of the archive over 10,000 records
// (the verified index, a refresh against the database included): the
// default order, a text search, a sort by title and a filtered page two.
func BenchmarkArchive10k(b *testing.B) {
	ctx := context.Background()
	st := storetest.Open(b)
	var wg sync.WaitGroup
	for w := 0; w < 32; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 10_000/32+1; i++ {
				rec := model.DecisionRecord{Title: fmt.Sprintf("decision %d-%d", w, i), Cluster: fmt.Sprintf("aks-%d", i%7), Option: model.Catalog[i%len(model.Catalog)].ID,
					Owner: fmt.Sprintf("owner%d@example.com", w), Scope: []string{"payments", "checkout"}, ReviewBy: "2027-06-30",
					Rationale: "The PCI scope needs mTLS between every service; retries stay in the applications for now."}
				if w == 0 && i == 0 {
					rec.Rationale = "a unique word: zanzibar"
				}
				if _, err := st.Propose(ctx, architect, rec); err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	today := time.Now()
	for _, q := range []struct {
		name string
		q    model.ArchiveQuery
	}{
		{"newest", model.ArchiveQuery{}},
		{"search", model.ArchiveQuery{Text: "zanzibar"}},
		{"sort-title", model.ArchiveQuery{Sort: "title"}},
		{"filtered", model.ArchiveQuery{Cluster: "aks-3", Option: "istio-sidecar", Sort: "owner", Desc: true}},
	} {
		b.Run(q.name, func(b *testing.B) {
			for b.Loop() {
				page, _, err := st.QueryRecords(ctx, q.q, today)
				if err != nil || page.Total == 0 {
					b.Fatal(err, page.Total)
				}
			}
		})
	}
}
