package mock

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

const yx = "YX2021020023"

func scriptFault(h *harness, f Fault) {
	h.p.Script(regplatform.FlowIntention, yx, Script{
		Faults: []KeyFault{{Revision: 1, Attempt: 1, Fault: f}},
	})
}

// TestScriptedFaultsInProcess covers the faults that answer something: the
// first attempt suffers the fault, the resend of the same body is answered
// normally, and the record is accepted once at most.
func TestScriptedFaultsInProcess(t *testing.T) {
	tests := []struct {
		fault      Fault
		status     int
		code       string
		stored     bool
		retryAfter string
	}{
		{FaultErrorBeforeStore, 500, regplatform.CodeInternal, false, ""},
		{FaultErrorAfterStore, 500, regplatform.CodeInternal, true, ""},
		{FaultRateLimited, 429, regplatform.CodeRateLimited, false, "1"},
		{FaultNotEnvelope, 502, "", true, ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.fault), func(t *testing.T) {
			h := newHarness(t, Config{})
			scriptFault(h, tt.fault)
			body := intentionBody(t)

			got := h.push(pathIntentions, body)
			assert.Equal(t, tt.status, got.status)
			assert.Equal(t, tt.code, got.env.Code)
			assert.Equal(t, tt.retryAfter, got.header.Get("Retry-After"))
			if tt.fault == FaultNotEnvelope {
				assert.Contains(t, got.header.Get("Content-Type"), "text/html")
				assert.Contains(t, string(got.raw), "<html>")
			}
			stored := h.p.Accepted(regplatform.FlowIntention, yx, 1) == 1
			assert.Equal(t, tt.stored, stored)

			again := data[regplatform.Receipt](t, h.push(pathIntentions, body))
			assert.Equal(t, tt.stored, again.Duplicate)
			assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, yx, 1))

			reqs := h.p.Requests()
			require.Len(t, reqs, 2)
			assert.Equal(t, tt.fault, reqs[0].Fault)
			assert.Equal(t, 1, reqs[0].Attempt)
			assert.Equal(t, FaultNone, reqs[1].Fault)
			assert.Equal(t, 2, reqs[1].Attempt)
		})
	}
}

func TestLatencyFault(t *testing.T) {
	h := newHarness(t, Config{Faults: FaultConfig{LatencyDuration: 3 * time.Second}})
	var slept []time.Duration
	h.p.sleep = func(_ context.Context, d time.Duration) { slept = append(slept, d) }
	scriptFault(h, FaultLatency)

	got := h.push(pathIntentions, intentionBody(t))
	assert.Equal(t, regplatform.CodeOK, got.env.Code)
	assert.Equal(t, []time.Duration{3 * time.Second}, slept)
	assert.True(t, h.p.Requests()[0].Delayed)
}

// send sends a request built by the harness to a real server.
func send(ctx context.Context, srv *httptest.Server, r *http.Request) (*http.Response, error) {
	body, _ := io.ReadAll(r.Body)
	out, err := http.NewRequestWithContext(ctx, r.Method, srv.URL+r.URL.RequestURI(),
		bytesReader(body))
	if err != nil {
		return nil, err
	}
	out.Header = r.Header.Clone()
	return srv.Client().Do(out)
}

func TestResetBeforeStore(t *testing.T) {
	h := newHarness(t, Config{})
	scriptFault(h, FaultResetBeforeStore)
	srv := httptest.NewServer(h.p)
	defer srv.Close()

	resp, err := send(context.Background(), srv,
		h.request(http.MethodPost, pathIntentions, nil, intentionBody(t)))
	if err == nil {
		resp.Body.Close()
	}
	require.Error(t, err)
	assert.Zero(t, h.p.Accepted(regplatform.FlowIntention, yx, 1))

	reqs := h.p.Requests()
	require.Len(t, reqs, 1)
	assert.Equal(t, OutcomeDropped, reqs[0].Outcome)
	assert.Equal(t, FaultResetBeforeStore, reqs[0].Fault)

	resp, err = send(context.Background(), srv,
		h.request(http.MethodPost, pathIntentions, nil, intentionBody(t)))
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, yx, 1))
}

func TestStallAfterStore(t *testing.T) {
	h := newHarness(t, Config{})
	scriptFault(h, FaultStallAfterStore)
	stalled := make(chan struct{})
	h.p.stalled = func() { close(stalled) }
	srv := httptest.NewServer(h.p)
	defer srv.Close()

	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	r := h.request(http.MethodPost, pathIntentions, nil, intentionBody(t))
	go func() {
		resp, err := send(ctx, srv, r)
		if err == nil {
			resp.Body.Close()
		}
		errc <- err
	}()

	<-stalled
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, yx, 1))
	cancel() // the client gives up, as on its timeout
	assert.ErrorIs(t, <-errc, context.Canceled)

	// The resend of the same body is a duplicate: accepted once.
	again := data[regplatform.Receipt](t, h.push(pathIntentions, intentionBody(t)))
	assert.True(t, again.Duplicate)
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, yx, 1))
}

func TestStallIsBounded(t *testing.T) {
	h := newHarness(t, Config{Faults: FaultConfig{MaxStall: time.Millisecond}})
	scriptFault(h, FaultStallAfterStore)
	got := h.push(pathIntentions, intentionBody(t))
	assert.Equal(t, regplatform.CodeOK, got.env.Code)
}

// faultRun pushes rev 1 of n records twice each, in the given order, and
// returns the fault of every (source_id, attempt).
func faultRun(t *testing.T, seed int64, order []int) map[string]Fault {
	h := newHarness(t, Config{Seed: seed, Faults: FaultConfig{
		ErrorBeforeStore: 0.1, ErrorAfterStore: 0.1, RateLimited: 0.1, NotEnvelope: 0.1,
		Latency: 0.2, LatencyDuration: time.Nanosecond,
	}})
	h.p.sleep = func(context.Context, time.Duration) {}
	base := intentionBody(t)
	for _, i := range order {
		h.push(pathIntentions, withField(t, base, "source_id", fmt.Sprintf("YX%03d", i)))
	}
	out := map[string]Fault{}
	for _, r := range h.p.Requests() {
		f := r.Fault
		if r.Delayed {
			f += "+latency"
		}
		out[fmt.Sprintf("%s#%d", r.SourceID, r.Attempt)] = f
	}
	return out
}

func TestFaultsRepeatWhateverTheOrder(t *testing.T) {
	const n = 60
	var forward, backward []int
	for i := range n {
		forward = append(forward, i, i)
		backward = append(backward, n-1-i, n-1-i)
	}
	// Interleave differently too: all first attempts, then all second ones.
	var rounds []int
	for range 2 {
		for i := range n {
			rounds = append(rounds, i)
		}
	}

	a := faultRun(t, 42, forward)
	require.Len(t, a, 2*n)
	assert.Equal(t, a, faultRun(t, 42, backward))
	assert.Equal(t, a, faultRun(t, 42, rounds))
	assert.NotEqual(t, a, faultRun(t, 43, forward))

	counts := map[Fault]int{}
	for _, f := range a {
		counts[f]++
	}
	assert.Less(t, counts[FaultNone], 2*n, "some faults are chosen")
	assert.Positive(t, counts[FaultNone], "not every request fails")
}

func TestFaultRatesAreHonoured(t *testing.T) {
	cfg := FaultConfig{ErrorAfterStore: 0.25, RateLimited: 0.05}
	counts := map[Fault]int{}
	const n = 4000
	for i := range n {
		_, f := chooseFaults(1, cfg, faultKey{Flow: regplatform.FlowPlan,
			SourceID: fmt.Sprint(i), Revision: 1}, 1)
		counts[f]++
	}
	assert.InDelta(t, 0.25*n, counts[FaultErrorAfterStore], 0.03*n)
	assert.InDelta(t, 0.05*n, counts[FaultRateLimited], 0.015*n)
	assert.Zero(t, counts[FaultStallAfterStore])
}

func TestReadFaults(t *testing.T) {
	h := newHarness(t, Config{Faults: FaultConfig{ErrorBeforeStore: 1, Reads: true}})
	got := h.results(pathIntentionResults, yx)
	assert.Equal(t, regplatform.CodeInternal, got.env.Code)

	quiet := newHarness(t, Config{Faults: FaultConfig{ErrorBeforeStore: 1}})
	assert.Equal(t, regplatform.CodeOK, quiet.results(pathIntentionResults, yx).env.Code)
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t, Config{RateLimit: 2, OtherKeys: map[string]string{"203000002": "s"}})
	codes := func(hh *harness, n int) []string {
		var out []string
		for range n {
			out = append(out, hh.results(pathIntentionResults, yx).env.Code)
		}
		return out
	}
	ok, limited := regplatform.CodeOK, regplatform.CodeRateLimited
	assert.Equal(t, []string{ok, ok, limited}, codes(h, 3))

	got := h.results(pathIntentionResults, yx)
	assert.Equal(t, http.StatusTooManyRequests, got.status)
	assert.Equal(t, "1", got.header.Get("Retry-After"))

	// Another school has its own budget.
	other := newHarnessSharing(h, "203000002", "s")
	assert.Equal(t, []string{ok, ok}, codes(other, 2))

	h.clock.Advance(time.Second)
	assert.Equal(t, []string{ok, ok, limited}, codes(h, 3))
}

func TestConcurrentPushesAcceptOnce(t *testing.T) {
	h := newHarness(t, Config{})
	body := intentionBody(t)
	reqs := make([]*http.Request, 20)
	for i := range reqs {
		reqs[i] = h.request(http.MethodPost, pathIntentions, nil, body)
	}
	var wg sync.WaitGroup
	for _, r := range reqs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := httptest.NewRecorder()
			h.p.ServeHTTP(w, r)
		}()
	}
	wg.Wait()
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, yx, 1))
	assert.Len(t, h.p.Requests(), 20)
}
