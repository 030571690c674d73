package poll_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
	"github.com/zcbridge/zcbridge/regplatform"
)

// The integration tests run the real client against the mock platform on
// 127.0.0.1 with the SQLite store. The engines' clocks are injected, so the
// result backoff costs no time; only the client's short timeouts and retry
// delays cross real time.

const (
	itAppKey    = "203000001"
	itAppSecret = "testAppSecret0123456789abcdefABCD"
)

// stack is a mock platform behind an HTTP server and a SQLite store file.
type stack struct {
	platform *mock.Platform
	url      string
	store    *sqlitestore.Store
}

func newStack(t *testing.T, cfg mock.Config) *stack {
	t.Helper()
	cfg.AppKey, cfg.AppSecret = itAppKey, itAppSecret
	p := mock.New(cfg)
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)

	store, err := sqlitestore.Open(t.Context(), filepath.Join(t.TempDir(), "zcbridge.db"))
	require.NoError(t, err)
	t.Cleanup(func() { store.Close() })
	return &stack{platform: p, url: srv.URL, store: store}
}

// client returns a client of the stack with a per-attempt timeout and a
// retry policy.
func (s *stack) client(t *testing.T, timeout time.Duration,
	retry regplatform.RetryPolicy) *regplatform.Client {
	t.Helper()
	c, err := regplatform.NewClient(
		regplatform.WithBaseURL(s.url),
		regplatform.WithCredentials(itAppKey, itAppSecret),
		regplatform.WithTimeout(timeout),
		regplatform.WithRetryPolicy(retry),
		regplatform.WithLogger(slog.New(slog.DiscardHandler)),
		// The contract's 20 requests a second would only slow the tests.
		regplatform.WithRateLimit(rate.Inf, 0),
	)
	require.NoError(t, err)
	return c
}

// engine returns an engine of the stack over src, with its own clock.
func (s *stack) engine(t *testing.T, c *regplatform.Client, src *hostSource,
	owner string, logs *logBuffer) (*poll.Engine, *testClock) {
	t.Helper()
	clock := newTestClock()
	e, err := poll.New(poll.Config{
		Store:    s.store,
		Flows:    []poll.Flow{poll.IntentionFlow(c.Intentions, src)},
		Owner:    owner,
		LeaseTTL: 10 * time.Second,
		Clock:    clock,
		Logger:   logs.logger(),
	})
	require.NoError(t, err)
	return e, clock
}

// quickRetries retries fast so that tests stay short.
var quickRetries = regplatform.RetryPolicy{
	MaxAttempts:   3,
	BaseDelay:     5 * time.Millisecond,
	MaxDelay:      20 * time.Millisecond,
	MaxRetryAfter: 2 * time.Second,
}

var noRetries = regplatform.RetryPolicy{MaxAttempts: 1}

// drain ticks e, moving its clock past PollMax each time, until src lists
// nothing, at most maxTicks times.
func drain(t *testing.T, e *poll.Engine, clock *testClock, src *hostSource, maxTicks int) {
	t.Helper()
	for range maxTicks {
		require.NoError(t, e.Tick(t.Context()))
		if src.pendingCount() == 0 {
			return
		}
		clock.Advance(poll.DefaultPollMax)
	}
	t.Fatalf("%d records still pending after %d ticks", src.pendingCount(), maxTicks)
}

// tickTogether ticks each engine on a goroutine of its own, moving its
// clock past PollMax after each tick, until pending reports nothing or an
// engine has ticked maxTicks times.
func tickTogether(t *testing.T, engines []*poll.Engine, clocks []*testClock,
	pending func() int, maxTicks int) {
	t.Helper()
	var wg sync.WaitGroup
	for i, e := range engines {
		wg.Go(func() {
			for range maxTicks {
				if !assert.NoError(t, e.Tick(t.Context())) || pending() == 0 {
					return
				}
				clocks[i].Advance(poll.DefaultPollMax)
			}
		})
	}
	wg.Wait()
}

func hostWith(t *testing.T, n int, prefix string) (*hostSource, []string) {
	src := newHostSource()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s%04d", prefix, i)
		src.put(ids[i], 1, intention(t, ids[i], 1))
	}
	return src, ids
}

func TestIntegrationOneAcceptedPushPerRecordDespiteAFirstAttemptFault(t *testing.T) {
	cases := []struct {
		name    string
		fault   mock.Fault
		retry   regplatform.RetryPolicy
		timeout time.Duration
	}{
		{"5xx after store, client retries", mock.FaultErrorAfterStore, quickRetries,
			2 * time.Second},
		{"5xx after store, engine reconciles", mock.FaultErrorAfterStore, noRetries,
			2 * time.Second},
		{"client timeout after store, client retries", mock.FaultStallAfterStore, quickRetries,
			150 * time.Millisecond},
		{"client timeout after store, engine reconciles", mock.FaultStallAfterStore, noRetries,
			150 * time.Millisecond},
		{"gateway page after store", mock.FaultNotEnvelope, noRetries, 2 * time.Second},
		{"connection reset before store", mock.FaultResetBeforeStore, noRetries,
			2 * time.Second},
		{"5xx before store", mock.FaultErrorBeforeStore, noRetries, 2 * time.Second},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newStack(t, mock.Config{Seed: 7})
			src, ids := hostWith(t, 3, "YXF")
			for _, id := range ids {
				s.platform.Script(regplatform.FlowIntention, id, mock.Script{
					Faults: []mock.KeyFault{{Revision: 1, Attempt: 1, Fault: c.fault}},
				})
			}
			logs := &logBuffer{}
			e, clock := s.engine(t, s.client(t, c.timeout, c.retry), src, "engine-a", logs)

			drain(t, e, clock, src, 5)

			for _, id := range ids {
				assert.Equal(t, 1, s.platform.Accepted(regplatform.FlowIntention, id, 1), id)
				entry, ok, err := s.store.Get(t.Context(), poll.Key{Flow: "intention",
					SourceID: id, Revision: 1})
				require.NoError(t, err)
				require.True(t, ok)
				assert.Equal(t, poll.StateFinished, entry.State, id)
			}
			outcomes := src.outcomes()
			require.Len(t, outcomes, 3)
			for _, o := range outcomes {
				assert.Equal(t, poll.OutcomePublished, o.Kind)
				require.NotNil(t, o.Intention)
				assert.NotEmpty(t, o.Intention.PlatformID)
				assert.NotEmpty(t, o.Intention.PublishURL)
			}
			if c.retry.MaxAttempts == 1 {
				assert.Len(t, logs.lines("WARN", "poll: Push outcome unknown"), 3,
					"each first attempt left the push in doubt")
			}
		})
	}
}

func TestIntegrationResultsOf120RecordsInThreeReads(t *testing.T) {
	s := newStack(t, mock.Config{Seed: 1})
	src, _ := hostWith(t, 120, "YXB")
	e, clock := s.engine(t, s.client(t, 2*time.Second, quickRetries), src, "engine-a",
		&logBuffer{})

	require.NoError(t, e.Tick(t.Context()))
	pushed := len(s.platform.Requests())
	require.Equal(t, 120, pushed)

	clock.Advance(poll.DefaultPollMax)
	require.NoError(t, e.Tick(t.Context()))

	reads := 0
	for _, r := range s.platform.Requests()[pushed:] {
		if r.Method == http.MethodGet && r.Path == "/v1/intentions/results" {
			reads++
		}
	}
	assert.Equal(t, 3, reads)
	assert.Zero(t, src.pendingCount(), "every record was decided by the first read")
}

func TestIntegrationTwoEnginesShareOneStoreAndPushEachRecordOnce(t *testing.T) {
	s := newStack(t, mock.Config{
		Seed: 42,
		Faults: mock.FaultConfig{
			ErrorAfterStore:  0.15,
			StallAfterStore:  0.05,
			ResetBeforeStore: 0.05,
			ErrorBeforeStore: 0.05,
			NotEnvelope:      0.05,
			RateLimited:      0.02,
		},
	})
	src, ids := hostWith(t, 36, "YXM")
	var engines []*poll.Engine
	var clocks []*testClock
	for i := range 2 {
		client := s.client(t, 300*time.Millisecond, quickRetries)
		e, clock := s.engine(t, client, src, fmt.Sprintf("engine-%d", i), &logBuffer{})
		engines, clocks = append(engines, e), append(clocks, clock)
	}
	tickTogether(t, engines, clocks, src.pendingCount, 30)

	require.Zero(t, src.pendingCount(), "every record reached its outcome")
	for _, id := range ids {
		assert.Equal(t, 1, s.platform.Accepted(regplatform.FlowIntention, id, 1), id)
	}
	faults := map[mock.Fault]int{}
	for _, r := range s.platform.Requests() {
		faults[r.Fault]++
	}
	assert.Positive(t, faults[mock.FaultErrorAfterStore], "the run met faults: %v", faults)
}

func TestIntegrationEveryFlowRepublishesAfterAFailure(t *testing.T) {
	s := newStack(t, mock.Config{
		Seed:   3,
		Faults: mock.FaultConfig{ErrorAfterStore: 0.2, ResetBeforeStore: 0.1},
	})
	client := s.client(t, 2*time.Second, noRetries)
	notices, plans := newHostSource(), newHostSource()
	requests := map[string]func(rev int) poll.Request{}
	for _, n := range fixtures.Notices() {
		requests[n.SourceID] = func(rev int) poll.Request { c := n; c.Revision = rev; return &c }
		notices.put(n.SourceID, 1, requests[n.SourceID](1))
	}
	for _, p := range fixtures.Plans() {
		requests[p.SourceID] = func(rev int) poll.Request { c := p; c.Revision = rev; return &c }
		plans.put(p.SourceID, 1, requests[p.SourceID](1))
	}
	s.platform.Script(regplatform.FlowSingleSource, "DY2026000102", mock.Script{
		Outcomes: map[int]mock.Outcome{1: {Status: regplatform.StatusFailed,
			Reason: "公示内容不完整"}},
	})
	s.platform.Script(regplatform.FlowPlan, "202002270009", mock.Script{
		Outcomes: map[int]mock.Outcome{1: {Status: regplatform.StatusRejected,
			Reason: "采购方式与品目不符"}},
	})

	clock := newTestClock()
	e, err := poll.New(poll.Config{
		Store: s.store,
		Flows: []poll.Flow{
			poll.SingleSourceFlow(client.SingleSource, notices),
			poll.PlanFlow(client.Plans, plans),
		},
		Clock:  clock,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)

	// The host republishes a failed or rejected record as the next revision.
	republished := map[string]bool{}
	for range 10 {
		require.NoError(t, e.Tick(t.Context()))
		for _, src := range []*hostSource{notices, plans} {
			for _, o := range src.outcomes() {
				bad := o.Kind == poll.OutcomeFailed || o.Kind == poll.OutcomeRejected
				if bad && !republished[o.SourceID] {
					republished[o.SourceID] = true
					src.put(o.SourceID, o.Revision+1, requests[o.SourceID](o.Revision+1))
				}
			}
		}
		if notices.pendingCount()+plans.pendingCount() == 0 {
			break
		}
		clock.Advance(poll.DefaultPollMax)
	}
	require.Zero(t, notices.pendingCount()+plans.pendingCount())
	assert.Equal(t, map[string]bool{"DY2026000102": true, "202002270009": true}, republished)

	final := map[string]poll.Outcome{}
	for _, o := range append(notices.outcomes(), plans.outcomes()...) {
		final[o.SourceID] = o
	}
	for id, o := range final {
		wantRev := 1
		if republished[id] {
			wantRev = 2
			assert.Equal(t, 1, s.platform.Accepted(o.Flow, id, 1), id)
		}
		assert.Equal(t, wantRev, o.Revision, id)
		assert.Equal(t, 1, s.platform.Accepted(o.Flow, id, wantRev), id)
		switch o.Flow {
		case regplatform.FlowSingleSource:
			assert.Equal(t, poll.OutcomePublished, o.Kind, id)
			require.NotNil(t, o.Notice, id)
			assert.False(t, o.Notice.Deadline.IsZero(), id)
		case regplatform.FlowPlan:
			assert.Equal(t, poll.OutcomeFiled, o.Kind, id)
			require.NotNil(t, o.Plan, id)
			assert.NotEmpty(t, o.Plan.PlanID, id)
			assert.NotEmpty(t, o.Plan.PlanNo, id)
		}
	}
	assert.Len(t, final, len(fixtures.Notices())+len(fixtures.Plans()))
}
