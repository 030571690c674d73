package sqlitestore_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll/storetest"
)

// TestDueWithoutLimitTakesMoreThanSQLiteHasParameters: an unlimited Due
// over a backlog larger than SQLite's limit on statement parameters (32766)
// takes it all at once.
func TestDueWithoutLimitTakesMoreThanSQLiteHasParameters(t *testing.T) {
	const backlog = 40000
	clock := storetest.NewClock()
	s := open(t, freshPath(t), clock.Now)
	now := clock.Now()

	// Written directly in one transaction: Enqueue takes a transaction each.
	tx, err := s.DB().BeginTx(t.Context(), nil)
	require.NoError(t, err)
	stmt, err := tx.PrepareContext(t.Context(), `INSERT INTO zcbridge_outbox
		(id, sink, payload, next_at, created_at) VALUES (?, 'portal', x'7b7d', ?, ?)`)
	require.NoError(t, err)
	for n := range backlog {
		_, err := stmt.ExecContext(t.Context(), fmt.Sprintf("d%05d", n), now.UnixNano(),
			now.UnixNano())
		require.NoError(t, err)
	}
	require.NoError(t, tx.Commit())

	ds, err := s.Due(t.Context(), now, time.Minute, 0)
	require.NoError(t, err)
	assert.Len(t, ds, backlog)
	again, err := s.Due(t.Context(), now, time.Minute, 0)
	require.NoError(t, err)
	assert.Empty(t, again, "every delivery taken was leased")
}
