package store_test

import (
	"context"
	"errors"
	"io/fs"
	"net"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"meshwise/migrations"
	"meshwise/model"
	"meshwise/store"
	"meshwise/store/storetest"
)

func TestMigrateBringsSchemaToLatest(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.NewDatabase(t), store.Options{})
	require.NoError(t, err)
	defer st.Close()

	current, latest, err := st.SchemaStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, int64(0), current, "a new database has no schema")
	assert.Positive(t, latest)

	n, err := st.Migrate(ctx)
	require.NoError(t, err)
	files, err := fs.Glob(migrations.FS, "*.sql")
	require.NoError(t, err)
	assert.Equal(t, len(files), n, "every embedded migration applies once")

	current, _, err = st.SchemaStatus(ctx)
	require.NoError(t, err)
	assert.Equal(t, latest, current)

	n, err = st.Migrate(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "a second run applies nothing")
}

func TestConcurrentMigrationsDoNotRace(t *testing.T) {
	ctx := context.Background()
	url := storetest.NewDatabase(t)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			st, err := store.Open(ctx, url, store.Options{})
			if err != nil {
				errs <- err
				return
			}
			defer st.Close()
			_, err = st.Migrate(ctx)
			errs <- err
		}()
	}
	for range 4 {
		assert.NoError(t, <-errs)
	}
}

func TestUnreachableDatabaseIsUnavailable(t *testing.T) {
	// A port nobody listens on: take one and close it again.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())

	ctx := context.Background()
	st, err := store.Open(ctx, "postgres://nobody:secret@"+addr+"/none?sslmode=disable", store.Options{ConnectTimeout: time.Second})
	require.NoError(t, err, "opening does not wait for the server")
	defer st.Close()

	tests := []struct {
		name string
		call func() error
	}{
		{"ping", func() error { return st.Ping(ctx) }},
		{"schema status", func() error { _, _, err := st.SchemaStatus(ctx); return err }},
		{"recent assessments", func() error { _, err := st.RecentAssessments(ctx, 5); return err }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			require.Error(t, err)
			assert.Equal(t, model.EUNAVAILABLE, model.ErrorCode(err))
			var me *model.Error
			require.True(t, errors.As(err, &me))
			assert.NotContains(t, me.Message, "secret", "the user-facing message never carries the URL")
		})
	}
}

func TestOpenRejectsMalformedURL(t *testing.T) {
	_, err := store.Open(context.Background(), "postgres://user:hunter2@localhost:notaport/db", store.Options{})
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "hunter2")
}

func TestRecentAssessmentsEmpty(t *testing.T) {
	st := storetest.Open(t)
	list, err := st.RecentAssessments(context.Background(), 10)
	require.NoError(t, err)
	assert.Empty(t, list)
}

func TestAssessmentDraftsAreVersioned(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	a := model.DefaultAssessment()
	a.Title, a.Pods = "payments", 250
	a.LatencyBudget = decimal.RequireFromString("7.5")
	created, err := st.CreateAssessment(ctx, a)
	require.NoError(t, err)
	assert.Equal(t, 1, created.Version)
	assert.Equal(t, 1, created.Step)

	got, err := st.GetAssessment(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, a.Title, got.Assessment.Title)
	assert.Equal(t, 250, got.Assessment.Pods)
	assert.True(t, got.Assessment.LatencyBudget.Equal(a.LatencyBudget), "decimals survive jsonb")
	assert.Equal(t, created.CreatedAt.UnixMicro(), got.CreatedAt.UnixMicro())

	a.Pods = 300
	second, err := st.UpdateAssessment(ctx, created.ID, 1, a, 3)
	require.NoError(t, err)
	assert.Equal(t, 2, second.Version)
	assert.Equal(t, 3, second.Step)

	// A second tab still holding version 1 cannot overwrite version 2.
	stale := a
	stale.Pods = 999
	_, err = st.UpdateAssessment(ctx, created.ID, 1, stale, 2)
	assert.Equal(t, model.ECONFLICT, model.ErrorCode(err))
	got, err = st.GetAssessment(ctx, created.ID)
	require.NoError(t, err)
	assert.Equal(t, 300, got.Assessment.Pods, "nothing half-written")
	assert.Equal(t, 3, got.Step, "the furthest step never moves back")

	list, err := st.RecentAssessments(ctx, 10)
	require.NoError(t, err)
	require.Len(t, list, 1)
	assert.Equal(t, "payments", list[0].Title)
}

func TestUnknownAssessmentIsNotFound(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t)
	for _, id := range []string{"nope", "00000000-0000-0000-0000-000000000000", "'; DROP TABLE assessments; --"} {
		_, err := st.GetAssessment(ctx, id)
		assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), id)
		_, err = st.UpdateAssessment(ctx, id, 1, model.DefaultAssessment(), 1)
		assert.Equal(t, model.ENOTFOUND, model.ErrorCode(err), id)
	}
}
