package memstore_test

import (
	"testing"

	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

func BenchmarkClaimComplete(b *testing.B) {
	storetest.BenchClaimComplete(b, memstore.New())
}
