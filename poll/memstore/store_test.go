package memstore_test

import (
	"testing"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/poll/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T, now func() time.Time) poll.IdempotencyStore {
		return memstore.New(memstore.WithClock(now))
	})
}

func TestOutboxConformance(t *testing.T) {
	storetest.RunOutbox(t, func(t *testing.T, now func() time.Time) poll.Outbox {
		return memstore.New(memstore.WithClock(now))
	})
}
