package poll_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"slices"
	"sync"
	"time"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

// mapSource is the smallest Source: intentions waiting in a map, taken off
// it when the platform decides them. A real host reads its own table and
// moves the status with the flow's state machine.
type mapSource struct {
	mu      sync.Mutex
	waiting map[string]*regplatform.Intention
}

func (s *mapSource) Pending(_ context.Context, after string, limit int) ([]poll.Record, error) {
	s.mu.Lock()
	defer s.mu.Unlock()

	var ids []string
	for id := range s.waiting {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	recs := []poll.Record{}
	for _, id := range ids[:min(limit, len(ids))] {
		in := s.waiting[id]
		recs = append(recs, poll.Record{SourceID: id, Revision: in.Revision, Request: in})
	}
	return recs, nil
}

func (s *mapSource) Apply(_ context.Context, o poll.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()

	if o.Kind == poll.OutcomeInvalid {
		return nil // a real host shows o.Err to the clerk
	}
	if _, ok := s.waiting[o.SourceID]; ok {
		fmt.Println(o.SourceID, o.Kind)
		delete(s.waiting, o.SourceID)
	}
	return nil
}

func (s *mapSource) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.waiting)
}

// The engine pushes every waiting intention once and hands back the
// platform's decisions. Here the platform is the bundled mock.
func Example() {
	platform := mock.New(mock.Config{AppKey: "203000001", AppSecret: "example-secret"})
	srv := httptest.NewServer(platform)
	defer srv.Close()

	client, err := regplatform.NewClient(
		regplatform.WithBaseURL(srv.URL),
		regplatform.WithCredentials("203000001", "example-secret"),
	)
	if err != nil {
		panic(err)
	}

	src := &mapSource{waiting: map[string]*regplatform.Intention{}}
	for _, in := range fixtures.Intentions() {
		src.waiting[in.SourceID] = &in
	}

	engine, err := poll.New(poll.Config{
		Store: memstore.New(),
		Flows: []poll.Flow{poll.IntentionFlow(client.Intentions, src)},
		// Read results on the very next tick; the defaults wait 30s.
		PollMin: time.Nanosecond,
		PollMax: time.Nanosecond,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		panic(err)
	}

	// Run(ctx) would tick every Interval; here the first tick pushes and
	// the second reads the decisions.
	ctx := context.Background()
	for i := 0; i < 5 && src.len() > 0; i++ {
		if err := engine.Tick(ctx); err != nil {
			panic(err)
		}
	}
	// Output:
	// YX2021020023 published
	// YX2021080013 published
	// YX2022040022 published
	// YX2022060001 published
}
