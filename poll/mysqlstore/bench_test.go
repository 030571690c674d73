package mysqlstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/mysqlstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

func BenchmarkClaimComplete(b *testing.B) {
	s := mysqlstore.New(servertest.MySQLDB(b, servertest.MySQLDatabase(b)))
	require.NoError(b, s.Migrate(b.Context()))
	storetest.BenchClaimComplete(b, s)
}
