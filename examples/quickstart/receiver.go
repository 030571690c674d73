package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/webhook"
)

// receiver stands for one system the publications are synced to: it checks
// each webhook's signature, dedupes by delivery id and prints what arrived.
type receiver struct {
	name string
	sink *webhook.Sink
	stop func()

	mu   sync.Mutex
	seen map[string]bool
	out  io.Writer
}

func newReceiver(out io.Writer, name string) (*receiver, error) {
	r := &receiver{name: name, seen: make(map[string]bool), out: out}
	url, stop, err := serve(http.HandlerFunc(r.serveHTTP))
	if err != nil {
		return nil, err
	}
	sink, err := webhook.New(name, url+"/hooks/zcbridge", sinkKey)
	if err != nil {
		stop()
		return nil, err
	}
	r.sink, r.stop = sink, stop
	return r, nil
}

func (r *receiver) serveHTTP(w http.ResponseWriter, req *http.Request) {
	body, err := webhook.Verify(sinkKey, req, 5*time.Minute)
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	var p poll.Publication
	if err := json.Unmarshal(body, &p); err != nil {
		http.Error(w, "bad payload", http.StatusBadRequest)
		return
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	id := req.Header.Get(webhook.HeaderDelivery)
	if !r.seen[id] {
		r.seen[id] = true
		fmt.Fprintf(r.out, "  → %s received %s %s rev %d  %s\n",
			r.name, p.Flow, p.SourceID, p.Revision, p.URL)
	}
	w.WriteHeader(http.StatusNoContent)
}

// count returns how many distinct publications arrived.
func (r *receiver) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.seen)
}
