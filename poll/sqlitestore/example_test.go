package sqlitestore_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
)

// A push's life in the store: claimed, marked as sending before the
// request goes out, accepted with the platform's receipt, and finished once
// the platform's outcome reached the host.
func Example() {
	dir, err := os.MkdirTemp("", "zcbridge-example")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	store, err := sqlitestore.Open(ctx, filepath.Join(dir, "zcbridge.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()

	key := poll.Key{Flow: "intention", SourceID: "YX2026000001", Revision: 1}
	lease, _, err := store.Claim(ctx, key, "engine-a", 2*time.Minute)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _, err = store.Claim(ctx, key, "engine-b", 2*time.Minute)
	fmt.Println("second engine refused:", errors.Is(err, poll.ErrNotClaimable))

	body := []byte(`{"source_id":"YX2026000001","revision":1}`)
	if err := store.MarkSending(ctx, lease, body); err != nil {
		fmt.Println(err)
		return
	}
	if err := store.Accept(ctx, lease, "R20260302000001"); err != nil {
		fmt.Println(err)
		return
	}
	if err := store.Finish(ctx, key, "PUBLISHED"); err != nil {
		fmt.Println(err)
		return
	}

	e, _, err := store.Get(ctx, key)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(e.State, e.ReceiptID, e.Outcome, e.Attempts)
	// Output:
	// second engine refused: true
	// finished R20260302000001 PUBLISHED 1
}
