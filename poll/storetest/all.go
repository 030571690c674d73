package storetest

import (
	"io"
	"testing"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// DurableStore is an adapter that keeps entries and the outbox on durable
// storage, and is closed when done: the SQLite, PostgreSQL and MySQL stores.
type DurableStore interface {
	poll.IdempotencyStore
	poll.Outbox
	io.Closer
}

// OpenDurableStore opens one more handle on a storage that a factory
// created for one test case, reading time from now, and registers its
// closing with t.Cleanup. Closing a handle twice must be harmless.
type OpenDurableStore func(t *testing.T, now func() time.Time) DurableStore

// RunAll runs every case of the suite, durable and outbox cases included,
// against a DurableStore. newStorage creates a fresh, empty storage for one
// case (a file, a schema, a database) and returns how to open handles on
// it; cases that need one handle open one, on a storage of their own.
func RunAll(t *testing.T, newStorage func(t *testing.T) OpenDurableStore) {
	t.Run("Store", func(t *testing.T) {
		Run(t, func(t *testing.T, now func() time.Time) poll.IdempotencyStore {
			return newStorage(t)(t, now)
		})
	})
	t.Run("Outbox", func(t *testing.T) {
		RunOutbox(t, func(t *testing.T, now func() time.Time) poll.Outbox {
			return newStorage(t)(t, now)
		})
	})
	t.Run("Durable", func(t *testing.T) {
		RunDurable(t, func(t *testing.T) OpenStore {
			open := newStorage(t)
			return func(t *testing.T, now func() time.Time) (poll.IdempotencyStore, io.Closer) {
				s := open(t, now)
				return s, s
			}
		})
	})
	t.Run("DurableOutbox", func(t *testing.T) {
		RunDurableOutbox(t, func(t *testing.T) OpenOutbox {
			open := newStorage(t)
			return func(t *testing.T, now func() time.Time) (poll.Outbox, io.Closer) {
				s := open(t, now)
				return s, s
			}
		})
	})
}
