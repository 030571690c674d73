package mysqlstore_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// digits is a derived table of the numbers 0 to 9.
const digits = `(SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2 UNION ALL SELECT 3
	UNION ALL SELECT 4 UNION ALL SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7
	UNION ALL SELECT 8 UNION ALL SELECT 9)`

// TestDueWithoutLimitTakesMoreThanAStatementHasParameters: an unlimited Due
// over a backlog larger than the 65535 parameters of a prepared statement
// takes it all at once.
func TestDueWithoutLimitTakesMoreThanAStatementHasParameters(t *testing.T) {
	const backlog = 70000
	clock := storetest.NewClock()
	dsn := servertest.MySQLDatabase(t)
	s := openStore(t, dsn, clock.Now)
	now := clock.Now()

	// Written by one statement: Enqueue takes a round trip each.
	at := now.UTC().Format("2006-01-02 15:04:05.000000")
	_, err := servertest.MySQLDB(t, dsn).ExecContext(t.Context(), `INSERT INTO zcbridge_outbox
		(id, sink, payload, attempts, next_at, last_error, created_at)
		SELECT CONCAT('d', n), 'portal', '{}', 0, ?, '', ? FROM (
			SELECT a.n + 10*b.n + 100*c.n + 1000*d.n + 10000*e.n AS n
			FROM `+digits+` a, `+digits+` b, `+digits+` c, `+digits+` d, `+digits+` e
		) numbers WHERE n < ?`, at, at, backlog)
	require.NoError(t, err)

	ds, err := s.Due(t.Context(), now, time.Minute, 0)
	require.NoError(t, err)
	assert.Len(t, ds, backlog)
	again, err := s.Due(t.Context(), now, time.Minute, 0)
	require.NoError(t, err)
	assert.Empty(t, again, "every delivery taken was leased")
}
