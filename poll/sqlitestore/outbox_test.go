package sqlitestore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/zcbridge/zcbridge/poll/storetest"
)

// TestDueWithoutLimitTakesMoreThanSQLiteHasParameters: an unlimited Due
// over a backlog larger than SQLite's limit on statement parameters (32766
// by default, lowered to 100 here) takes it all at once.
func TestDueWithoutLimitTakesMoreThanSQLiteHasParameters(t *testing.T) {
	const params, backlog = 100, 300
	clock := storetest.NewClock()
	s := open(t, freshPath(t), clock.Now)
	now := clock.Now()

	// One connection, so that the store works on the one whose limit is
	// lowered.
	s.DB().SetMaxOpenConns(1)
	conn, err := s.DB().Conn(t.Context())
	require.NoError(t, err)
	_, err = sqlite.Limit(conn, sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER, params)
	require.NoError(t, err)
	_, err = conn.ExecContext(t.Context(), `WITH RECURSIVE n(i) AS (
			SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ?
		)
		INSERT INTO zcbridge_outbox (id, sink, payload, next_at, created_at)
		SELECT printf('d%05d', i), 'portal', x'7b7d', ?, ? FROM n`,
		backlog, now.UnixNano(), now.UnixNano())
	require.NoError(t, err)
	require.NoError(t, conn.Close())

	ds, err := s.Due(t.Context(), now, time.Minute, 0)
	require.NoError(t, err)
	assert.Len(t, ds, backlog)
	again, err := s.Due(t.Context(), now, time.Minute, 0)
	require.NoError(t, err)
	assert.Empty(t, again, "every delivery taken was leased")
}
