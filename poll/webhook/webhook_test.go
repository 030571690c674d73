package webhook_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/poll/webhook"
	"github.com/zcbridge/zcbridge/regplatform"
)

// receiver is a test endpoint: it verifies each request, dedupes by
// delivery id and answers with the next scripted status (200 when the
// script is used up).
type receiver struct {
	now func() time.Time

	mu       sync.Mutex
	statuses []int
	requests int
	bodies   map[string][]byte
	verrs    []error
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := webhook.VerifyAt(testSecret, r, time.Minute, rc.now())
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	if err != nil {
		rc.verrs = append(rc.verrs, err)
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	status := http.StatusOK
	if len(rc.statuses) > 0 {
		status, rc.statuses = rc.statuses[0], rc.statuses[1:]
	}
	if status/100 == 2 {
		id := r.Header.Get(webhook.HeaderDelivery)
		if _, dup := rc.bodies[id]; !dup {
			rc.bodies[id] = body
		}
	}
	w.WriteHeader(status)
}

func newReceiver(now func() time.Time, statuses ...int) (*receiver, *httptest.Server) {
	rc := &receiver{now: now, statuses: statuses, bodies: map[string][]byte{}}
	return rc, httptest.NewServer(rc)
}

func TestDeliverSignsAndSucceedsOn2xx(t *testing.T) {
	now := func() time.Time { return time.Unix(1796270400, 0) }
	rc, srv := newReceiver(now, http.StatusNoContent)
	defer srv.Close()
	s, err := webhook.New("portal", srv.URL+"/hook", testSecret, webhook.WithClock(now))
	require.NoError(t, err)
	assert.Equal(t, "portal", s.Name())

	d := poll.Delivery{ID: "d1", Sink: "portal", Payload: []byte(`{"flow":"intention"}`)}
	require.NoError(t, s.Deliver(context.Background(), d))

	rc.mu.Lock()
	defer rc.mu.Unlock()
	assert.Empty(t, rc.verrs)
	assert.Equal(t, `{"flow":"intention"}`, string(rc.bodies["d1"]))
}

func TestDeliverFailsOnEverythingButSuccess(t *testing.T) {
	for _, status := range []int{
		http.StatusFound, http.StatusBadRequest, http.StatusNotFound,
		http.StatusInternalServerError, http.StatusServiceUnavailable,
	} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(
				func(w http.ResponseWriter, _ *http.Request) {
					if status == http.StatusFound {
						w.Header().Set("Location", "/elsewhere")
					}
					w.WriteHeader(status)
				}))
			defer srv.Close()
			s, err := webhook.New("portal", srv.URL, testSecret)
			require.NoError(t, err)

			err = s.Deliver(context.Background(), poll.Delivery{ID: "d1", Payload: []byte(`{}`)})
			var se *webhook.StatusError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, status, se.StatusCode)
		})
	}
}

func TestDeliverErrorsNameNoSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusBadGateway)
	}))
	endpoint := srv.URL
	tests := []struct {
		name string
		srv  func()
	}{
		{"status", func() {}},
		{"connection refused", srv.Close},
	}
	defer srv.Close()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.srv()
			u := "http://user:pa55word@" + endpoint[len("http://"):] + "/hook?token=t0ken"
			s, err := webhook.New("portal", u, testSecret)
			require.NoError(t, err)

			err = s.Deliver(context.Background(), poll.Delivery{ID: "d1", Payload: []byte(`{}`)})
			require.Error(t, err)
			for _, secret := range []string{testSecret, "pa55word", "t0ken", "v1="} {
				assert.NotContains(t, err.Error(), secret)
			}
			assert.Contains(t, err.Error(), "/hook")
		})
	}
}

func TestNewRefusesBadSettings(t *testing.T) {
	tests := []struct{ name, sink, endpoint, secret string }{
		{"no name", "", "https://portal.example.edu.cn/hook", testSecret},
		{"no secret", "portal", "https://portal.example.edu.cn/hook", ""},
		{"relative endpoint", "portal", "/hook", testSecret},
		{"other scheme", "portal", "ftp://portal.example.edu.cn/hook", testSecret},
		{"unparsable", "portal", "http://[::1", testSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := webhook.New(tt.sink, tt.endpoint, tt.secret)
			require.Error(t, err)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

// fakeClock is shared by the dispatcher, the sink and the receiver.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestDispatcherDeliversThroughWebhookOnceAfterFailures(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: time.Unix(1796270400, 0)}
	rc, srv := newReceiver(clock.Now, 500, 502, 503)
	defer srv.Close()
	sink, err := webhook.New("portal", srv.URL, testSecret, webhook.WithClock(clock.Now))
	require.NoError(t, err)
	ob := newOutbox()
	o := poll.Outcome{Flow: regplatform.FlowIntention, SourceID: "YX2021080013", Revision: 1,
		Kind: poll.OutcomePublished, Intention: &regplatformIntention}
	require.NoError(t, poll.EnqueuePublication(ctx, ob, []poll.Sink{sink}, o, clock.Now()))

	d, err := poll.NewDispatcher(poll.DispatcherConfig{
		Outbox: ob, Sinks: []poll.Sink{sink}, Now: clock.Now,
		BaseDelay: time.Second, MaxDelay: 4 * time.Second,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	for range 10 {
		require.NoError(t, d.Tick(ctx))
		clock.Advance(4 * time.Second)
	}

	rc.mu.Lock()
	defer rc.mu.Unlock()
	assert.Empty(t, rc.verrs)
	assert.Equal(t, 4, rc.requests, "three failures, one success, nothing after the ack")
	require.Len(t, rc.bodies, 1)
	body := rc.bodies[poll.DeliveryID(o.Flow, o.SourceID, o.Revision, "portal")]
	assert.Contains(t, string(body), `"platform_id":"ZCYX-330000-2026-008812"`)
}

var regplatformIntention = regplatform.IntentionResult{
	SourceID: "YX2021080013", Revision: 1, Status: regplatform.StatusPublished,
	PublishURL: "https://zcjg.example.gov.cn/notice/yx/8812",
	PlatformID: "ZCYX-330000-2026-008812",
}

// newOutbox returns the outbox of these tests.
func newOutbox() poll.Outbox { return memstore.New() }
