package webhook_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/webhook"
)

// A receiver checks each request with Verify, dedupes by the delivery id
// and answers 2xx; the sink then counts the delivery as done.
func ExampleVerify() {
	const secret = "shared-with-the-engine"
	seen := map[string]bool{}
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := webhook.Verify(secret, r, 0)
		if err != nil {
			http.Error(w, "unauthorised", http.StatusUnauthorized)
			return
		}
		id := r.Header.Get(webhook.HeaderDelivery)
		if !seen[id] {
			seen[id] = true
			fmt.Printf("received %s: %s\n", id, body)
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer receiver.Close()

	sink, err := webhook.New("portal", receiver.URL, secret)
	if err != nil {
		fmt.Println(err)
		return
	}
	d := poll.Delivery{ID: "5f0c3e", Payload: []byte(`{"source_id":"YX2021080013"}`)}
	for range 2 { // a retry after a lost answer delivers the same id again
		fmt.Println("delivered:", sink.Deliver(context.Background(), d) == nil)
	}
	// Output:
	// received 5f0c3e: {"source_id":"YX2021080013"}
	// delivered: true
	// delivered: true
}
