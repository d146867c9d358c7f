package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/store/storetest"
)

// Reading the log while others append must never look like entries were
// removed: the index, the checkpoints and the count are read from one
// snapshot. (Found by the two-replica test: a count read before another
// request's catch-up, or a checkpoint committed between the entry and
// checkpoint queries, marked a healthy log as tampered with, for good.)
func TestReadsDuringAppendsSeeNoRemovals(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	const writers, perWriter, readers = 4, 6, 4
	done := make(chan struct{})
	var wg, rd sync.WaitGroup
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perWriter {
				propose(t, st, fmt.Sprintf("w%d-%d", w, i), 0)
			}
		}()
	}
	problems := make(chan string, readers)
	for range readers {
		rd.Add(1)
		go func() {
			defer rd.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				_, integrity, err := st.Records(ctx)
				if err == nil && !integrity.OK {
					problems <- integrity.Problem
					return
				}
			}
		}()
	}
	wg.Wait()
	close(done)
	rd.Wait()
	close(problems)
	for p := range problems {
		t.Error("a reader saw:", p)
	}
	list, integrity, err := st.Records(ctx)
	require.NoError(t, err)
	assert.True(t, integrity.OK, integrity.Problem)
	assert.Len(t, list, writers*perWriter)
}
