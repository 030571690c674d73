package sqlitestore_test

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll/sqlitestore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

// BenchmarkClaimComplete runs on a WAL database file.
func BenchmarkClaimComplete(b *testing.B) {
	s, err := sqlitestore.Open(b.Context(), filepath.Join(b.TempDir(), "bench.db"))
	require.NoError(b, err)
	b.Cleanup(func() { s.Close() })
	storetest.BenchClaimComplete(b, s)
}
