package bench

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// memSource is a host table of intentions kept in memory, so that the
// figures measure the engine, the store, the client and the mock rather
// than a host database. Every record is at revision 1.
type memSource struct {
	mu      sync.Mutex
	ids     []string // sorted, every record ever put
	recs    map[string]*hostRecord
	pending int

	pendingCalls atomic.Int64
}

type hostRecord struct {
	req     *regplatform.Intention
	pending bool
	// applied counts Apply calls per outcome kind; repeats are harmless.
	applied map[poll.OutcomeKind]int
}

// newMemSource returns a source of n pending intentions with ids
// "YX000000", "YX000001", ..., each a copy of the first fixture.
func newMemSource(n int) *memSource {
	base := fixtures.Intentions()[0]
	s := &memSource{ids: make([]string, n), recs: make(map[string]*hostRecord, n)}
	for i := range n {
		id := fmt.Sprintf("YX%06d", i)
		in := base
		in.SourceID, in.Revision = id, 1
		in.Items = slices.Clone(base.Items)
		s.ids[i] = id
		s.recs[id] = &hostRecord{req: &in, pending: true,
			applied: make(map[poll.OutcomeKind]int, 1)}
	}
	sort.Strings(s.ids)
	s.pending = n
	return s
}

// Pending lists pending records after the key, in key order.
func (s *memSource) Pending(_ context.Context, after string, limit int) ([]poll.Record, error) {
	s.pendingCalls.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()

	i := sort.SearchStrings(s.ids, after)
	if i < len(s.ids) && s.ids[i] == after {
		i++
	}
	var out []poll.Record
	for ; i < len(s.ids) && len(out) < limit; i++ {
		r := s.recs[s.ids[i]]
		if r.pending {
			out = append(out, poll.Record{SourceID: s.ids[i], Revision: 1, Request: r.req})
		}
	}
	return out, nil
}

// Apply takes the record out of the pending list on a platform outcome.
func (s *memSource) Apply(_ context.Context, o poll.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	r, ok := s.recs[o.SourceID]
	if !ok || o.Revision != 1 {
		return fmt.Errorf("bench: no record %s revision %d", o.SourceID, o.Revision)
	}
	r.applied[o.Kind]++
	if o.Kind != poll.OutcomeInvalid && r.pending {
		r.pending = false
		s.pending--
	}
	return nil
}

// pendingCount returns how many records still wait for the platform.
func (s *memSource) pendingCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pending
}

// check returns an error unless every record left the pending list with
// one kind of outcome, published.
func (s *memSource) check() error {
	s.mu.Lock()
	defer s.mu.Unlock()

	for _, id := range s.ids {
		r := s.recs[id]
		if r.pending {
			return fmt.Errorf("bench: %s still pending", id)
		}
		if len(r.applied) != 1 || r.applied[poll.OutcomePublished] == 0 {
			return fmt.Errorf("bench: %s got outcomes %v, want published", id, r.applied)
		}
	}
	return nil
}

// countingStore counts the store calls a tick makes and the wall time
// spent in all of them.
type countingStore struct {
	poll.IdempotencyStore
	gets, claims atomic.Int64
	nanos        atomic.Int64
}

func (s *countingStore) since(start time.Time) {
	s.nanos.Add(int64(time.Since(start)))
}

func (s *countingStore) Get(ctx context.Context, k poll.Key) (poll.Entry, bool, error) {
	defer s.since(time.Now())
	s.gets.Add(1)
	return s.IdempotencyStore.Get(ctx, k)
}

func (s *countingStore) Claim(ctx context.Context, k poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	defer s.since(time.Now())
	s.claims.Add(1)
	return s.IdempotencyStore.Claim(ctx, k, owner, ttl)
}

func (s *countingStore) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	defer s.since(time.Now())
	return s.IdempotencyStore.MarkSending(ctx, l, body)
}

func (s *countingStore) MarkNotSent(ctx context.Context, l poll.Lease, reason string) error {
	defer s.since(time.Now())
	return s.IdempotencyStore.MarkNotSent(ctx, l, reason)
}

func (s *countingStore) MarkInDoubt(ctx context.Context, l poll.Lease, reason string) error {
	defer s.since(time.Now())
	return s.IdempotencyStore.MarkInDoubt(ctx, l, reason)
}

func (s *countingStore) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	defer s.since(time.Now())
	return s.IdempotencyStore.Accept(ctx, l, receiptID)
}

func (s *countingStore) Release(ctx context.Context, l poll.Lease) error {
	defer s.since(time.Now())
	return s.IdempotencyStore.Release(ctx, l)
}

func (s *countingStore) Finish(ctx context.Context, k poll.Key, outcome string) error {
	defer s.since(time.Now())
	return s.IdempotencyStore.Finish(ctx, k, outcome)
}

// countingTransport counts the HTTP requests the client sends, pushes
// (POST) and result reads (GET), and the wall time until each answer's
// headers arrived.
type countingTransport struct {
	next         *http.Transport
	pushes, gets atomic.Int64
	nanos        atomic.Int64
}

func newCountingTransport() *countingTransport {
	return &countingTransport{next: http.DefaultTransport.(*http.Transport).Clone()}
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method == http.MethodPost {
		t.pushes.Add(1)
	} else {
		t.gets.Add(1)
	}
	start := time.Now()
	defer func() { t.nanos.Add(int64(time.Since(start))) }()
	return t.next.RoundTrip(req)
}
