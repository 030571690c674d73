package mock_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/regplatform"
)

// syncBuffer is a log sink that client and platform write concurrently.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// signatureRecorder keeps the X-Ca-Signature of every request it carries.
type signatureRecorder struct {
	next http.RoundTripper
	mu   sync.Mutex
	sigs []string
}

func (s *signatureRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	s.mu.Lock()
	s.sigs = append(s.sigs, r.Header.Get(regplatform.HeaderSignature))
	s.mu.Unlock()
	return s.next.RoundTrip(r)
}

// TestNoSecretInLogsOrErrors runs pushes and reads through every fault the
// platform injects and through refusals (a wrong secret, a clock off by an
// hour), with Debug logging on both sides, and checks that no log line, no
// error text, no recorded request and no admin answer holds the AppSecret or
// any signature that was sent.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	const secret = "secret-under-test-0123456789abcdef"
	logs := &syncBuffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	p := mock.New(mock.Config{
		AppKey: "203000001", AppSecret: secret, Seed: 7, Logger: logger,
		Faults: mock.FaultConfig{
			ErrorBeforeStore: 0.15, ErrorAfterStore: 0.15, ResetBeforeStore: 0.15,
			RateLimited: 0.15, NotEnvelope: 0.15, StallAfterStore: 0.1,
			MaxStall: 50 * time.Millisecond, RetryAfter: time.Second, Reads: true,
		},
	})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)

	rec := &signatureRecorder{next: http.DefaultTransport}
	client := func(key, sec string, now func() time.Time) *regplatform.Client {
		c, err := regplatform.NewClient(
			regplatform.WithBaseURL(srv.URL),
			regplatform.WithCredentials(key, sec),
			regplatform.WithLogger(logger),
			regplatform.WithTransport(rec),
			regplatform.WithClock(now),
			regplatform.WithTimeout(2*time.Second),
			regplatform.WithRetryPolicy(regplatform.RetryPolicy{MaxAttempts: 3,
				MaxRetryAfter: 0}),
		)
		require.NoError(t, err)
		return c
	}
	ctx := context.Background()
	var texts []string
	keep := func(err error) {
		if err != nil {
			texts = append(texts, err.Error())
		}
	}

	good := client("203000001", secret, time.Now)
	for _, in := range fixtures.Intentions() {
		_, err := good.Intentions.Publish(ctx, &in)
		keep(err)
		_, err = good.Intentions.Results(ctx, []string{in.SourceID})
		keep(err)
	}
	_, err := client("203000001", "wrong-secret", time.Now).Intentions.Results(ctx,
		[]string{"YX1"})
	require.ErrorIs(t, err, regplatform.ErrAuth)
	keep(err)
	late := func() time.Time { return time.Now().Add(time.Hour) }
	_, err = client("203000001", secret, late).Intentions.Results(ctx, []string{"YX1"})
	keep(err)
	_, err = client("999", secret, time.Now).Plans.Results(ctx, []string{"YX1"})
	keep(err)

	admin := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/admin/requests", nil)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Host = "127.0.0.1:8701"
	p.AdminHandler().ServeHTTP(admin, req)
	require.Equal(t, http.StatusOK, admin.Code)

	require.NotEmpty(t, texts, "some requests failed")
	require.Contains(t, logs.String(), "mock: Request served.")
	require.Contains(t, logs.String(), "regplatform: Retrying request.")
	all := strings.Join([]string{logs.String(), strings.Join(texts, "\n"),
		admin.Body.String()}, "\n")
	assert.NotContains(t, all, secret)
	rec.mu.Lock()
	defer rec.mu.Unlock()
	require.NotEmpty(t, rec.sigs)
	for _, sig := range rec.sigs {
		require.NotEmpty(t, sig)
		assert.NotContains(t, all, sig)
	}
}
