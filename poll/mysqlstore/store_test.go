package mysqlstore_test

import (
	"context"
	"sync"
	"testing"
	"time"
	_ "time/tzdata" // the zoned DSN names Asia/Shanghai

	"github.com/go-sql-driver/mysql"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/mysqlstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// openStore opens a new handle and store on dsn, as a restarted process
// would, and migrates.
func openStore(t *testing.T, dsn string, now func() time.Time) *mysqlstore.Store {
	t.Helper()
	s := mysqlstore.New(servertest.MySQLDB(t, dsn), mysqlstore.WithClock(now))
	require.NoError(t, s.Migrate(context.Background()))
	return s
}

var key = poll.Key{Flow: "intention", SourceID: "YX-2025-001", Revision: 1}

func TestMigrateIsIdempotentAndConcurrent(t *testing.T) {
	dsn := servertest.MySQLDatabase(t)
	db := servertest.MySQLDB(t, dsn)
	ctx := context.Background()

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = mysqlstore.New(db).Migrate(ctx) })
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}

	s := mysqlstore.New(db)
	require.NoError(t, s.Migrate(ctx))
	_, ok, err := s.Get(ctx, key)
	require.NoError(t, err)
	assert.False(t, ok)
}

// TestTimesIgnoreDSNZone checks that the instants kept do not depend on the
// DSN's parseTime and loc, which several processes may set differently.
func TestTimesIgnoreDSNZone(t *testing.T) {
	dsn := servertest.MySQLDatabase(t)
	c := storetest.NewClock()
	ctx := context.Background()

	cfg, err := mysql.ParseDSN(dsn)
	require.NoError(t, err)
	cfg.ParseTime = true
	cfg.Loc, err = time.LoadLocation("Asia/Shanghai")
	require.NoError(t, err)
	zoned := openStore(t, cfg.FormatDSN(), c.Now)
	plain := openStore(t, dsn, c.Now)

	l, _, err := zoned.Claim(ctx, key, "engine-a", time.Minute)
	require.NoError(t, err)

	for name, s := range map[string]*mysqlstore.Store{"zoned": zoned, "plain": plain} {
		e, ok, err := s.Get(ctx, key)
		require.NoError(t, err, name)
		require.True(t, ok, name)
		assert.True(t, l.Until.Equal(e.LeaseUntil), "%s: lease until %v, want %v",
			name, e.LeaseUntil, l.Until)
		assert.True(t, c.Now().Equal(e.UpdatedAt), "%s: updated at %v", name, e.UpdatedAt)
	}

	c.Advance(time.Minute)
	_, _, err = plain.Claim(ctx, key, "engine-b", time.Minute)
	assert.NoError(t, err, "the lease written through a zoned DSN ends on time")
}

// TestSourceIDsAreCaseSensitive checks that keys differing only in letter
// case are distinct entries.
func TestSourceIDsAreCaseSensitive(t *testing.T) {
	s := openStore(t, servertest.MySQLDatabase(t), storetest.NewClock().Now)
	ctx := context.Background()

	lower := poll.Key{Flow: "intention", SourceID: "yx-2025-001", Revision: 1}
	_, _, err := s.Claim(ctx, key, "engine-a", time.Minute)
	require.NoError(t, err)
	_, _, err = s.Claim(ctx, lower, "engine-b", time.Minute)
	require.NoError(t, err)

	e, ok, err := s.Get(ctx, lower)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "engine-b", e.Owner)
}

// TestOpenErrorsNameNoPassword: a DSN that does not parse, or a server that
// does not answer, is refused without the password in the error text.
func TestOpenErrorsNameNoPassword(t *testing.T) {
	for _, dsn := range []string{
		"zcbridge:S3cretPW@tcp(127.0.0.1:3306)test",
		"zcbridge:S3cretPW@tcp(127.0.0.1:1)/test?timeout=1s",
		"zcbridge:S3cretPW@tcp(127.0.0.1:3306)/test?parseTime=maybe",
	} {
		_, err := mysqlstore.Open(t.Context(), dsn)
		require.Error(t, err, dsn)
		assert.NotContains(t, err.Error(), "S3cretPW")
	}
}
