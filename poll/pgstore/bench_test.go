package pgstore_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

func BenchmarkClaimComplete(b *testing.B) {
	schema := servertest.PostgresSchema(b)
	s := pgstore.New(servertest.PostgresPool(b), pgstore.WithSchema(schema))
	require.NoError(b, s.Migrate(b.Context()))
	storetest.BenchClaimComplete(b, s)
}
