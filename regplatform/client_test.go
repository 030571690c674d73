package regplatform

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/time/rate"
)

const (
	testAppKey    = "203000001"
	testAppSecret = "testAppSecret0123456789abcdefABCD"
)

// signCase is a golden file of testdata/wire/sign.
type signCase struct {
	AppKey          string            `json:"app_key"`
	AppSecret       string            `json:"app_secret"`
	SignatureMethod SignatureMethod   `json:"signature_method"`
	TimestampMS     int64             `json:"timestamp_ms"`
	Nonce           string            `json:"nonce"`
	Method          string            `json:"method"`
	BasePath        string            `json:"base_path"`
	Path            string            `json:"path"`
	Query           map[string]string `json:"query"`
	Body            string            `json:"body"`
	Headers         map[string]string `json:"headers"`
	StringToSign    string            `json:"string_to_sign"`
}

func loadSignCase(t *testing.T, name string) signCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "wire", "sign", name))
	require.NoError(t, err)
	var sc signCase
	require.NoError(t, json.Unmarshal(b, &sc))
	return sc
}

func signCaseNames(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join("testdata", "wire", "sign", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, names)
	for i, n := range names {
		names[i] = filepath.Base(n)
	}
	return names
}

// canned is an answer the test platform writes.
type canned struct {
	status int
	header http.Header
	body   []byte
}

// loadResponse reads a golden HTTP answer of testdata/wire/responses.
func loadResponse(t *testing.T, name string) canned {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "wire", "responses", name))
	require.NoError(t, err)
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(b)), nil)
	require.NoError(t, err, name)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return canned{status: resp.StatusCode, header: resp.Header, body: body}
}

// okData is a 0000 envelope around data.
func okData(t *testing.T, data any) canned {
	t.Helper()
	raw, err := json.Marshal(data)
	require.NoError(t, err)
	body, err := json.Marshal(Envelope{Code: CodeOK, Message: "成功", RequestID: "req-ok",
		Data: raw})
	require.NoError(t, err)
	return canned{status: http.StatusOK, body: body}
}

func (c canned) write(w http.ResponseWriter) {
	for k, vs := range c.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	if w.Header().Get("Content-Type") == "" {
		w.Header().Set("Content-Type", contentTypeJSON)
	}
	w.WriteHeader(c.status)
	_, _ = w.Write(c.body)
}

// recorded is one request the test platform received.
type recorded struct {
	Method  string
	Path    string
	RawPath string
	Query   url.Values
	Header  http.Header
	Body    []byte
}

// fakePlatform answers each request with answer(n, req), n counting from 0,
// and records every request.
type fakePlatform struct {
	srv    *httptest.Server
	answer func(n int, r recorded) canned

	mu   sync.Mutex
	reqs []recorded
}

func newFakePlatform(t *testing.T, answer func(n int, r recorded) canned) *fakePlatform {
	t.Helper()
	f := &fakePlatform{answer: answer}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

// sequence answers the n-th request with the n-th answer, repeating the
// last one.
func sequence(answers ...canned) func(int, recorded) canned {
	return func(n int, _ recorded) canned { return answers[min(n, len(answers)-1)] }
}

func (f *fakePlatform) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rec := recorded{
		Method:  r.Method,
		Path:    r.URL.Path,
		RawPath: r.URL.EscapedPath(),
		Query:   r.URL.Query(),
		Header:  r.Header.Clone(),
		Body:    body,
	}
	f.mu.Lock()
	n := len(f.reqs)
	f.reqs = append(f.reqs, rec)
	f.mu.Unlock()
	f.answer(n, rec).write(w)
}

func (f *fakePlatform) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

// sleeps records the waits between attempts instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleeps) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// testClock advances one second at every reading.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

// newTestClient returns a client of baseURL that retries up to 3 attempts
// without waiting (waits are recorded) and takes the jitter's upper bound.
func newTestClient(t *testing.T, baseURL string, opts ...Option) (*Client, *sleeps) {
	t.Helper()
	base := []Option{
		WithBaseURL(baseURL),
		WithCredentials(testAppKey, testAppSecret),
		WithRateLimit(rate.Inf, 0),
		WithRetryPolicy(RetryPolicy{
			MaxAttempts: 3, BaseDelay: 10 * time.Millisecond,
			MaxDelay: 40 * time.Millisecond, MaxRetryAfter: 5 * time.Second,
		}),
		WithLogger(slog.New(slog.DiscardHandler)),
		WithTimeout(5 * time.Second),
	}
	c, err := NewClient(append(base, opts...)...)
	require.NoError(t, err)
	s := &sleeps{}
	c.sleep = s.sleep
	c.jitter = func(d time.Duration) time.Duration { return d }
	return c, s
}

// TestClientWireMatchesGolden sends each golden request through the client
// and checks what arrives byte for byte: path, query, body and headers.
func TestClientWireMatchesGolden(t *testing.T) {
	calls := map[string]func(context.Context, *Client, signCase) error{
		// The worked example's body is not a valid intention, so it is
		// sent past the local checks that PublishBody makes.
		"post-intentions.json": func(ctx context.Context, c *Client, sc signCase) error {
			_, err := c.send(ctx, pathIntentions, intentionType, []byte(sc.Body))
			return err
		},
		"post-intentions-sm3.json": func(ctx context.Context, c *Client, sc signCase) error {
			_, err := c.send(ctx, pathIntentions, intentionType, []byte(sc.Body))
			return err
		},
		"get-intention-results.json": func(ctx context.Context, c *Client, sc signCase) error {
			_, err := c.Intentions.Results(ctx, strings.Split(sc.Query["source_ids"], ","))
			return err
		},
		"get-bids.json": func(ctx context.Context, c *Client, sc signCase) error {
			_, err := c.Results.Bids(ctx, "ZCJH-2026-000311", BidListOptions{
				PackageNo: "2", ListOptions: ListOptions{PageNo: 3, PageSize: 100},
			})
			return err
		},
	}
	for _, name := range signCaseNames(t) {
		t.Run(name, func(t *testing.T) {
			call, ok := calls[name]
			require.True(t, ok, "golden sign case without a call in this test")
			sc := loadSignCase(t, name)
			answer := okData(t, map[string]any{"results": []any{}, "not_found": []string{},
				"total": 0, "list": []any{}})
			fp := newFakePlatform(t, sequence(answer))
			c, _ := newTestClient(t, fp.srv.URL+sc.BasePath,
				WithCredentials(sc.AppKey, sc.AppSecret),
				WithSignatureMethod(sc.SignatureMethod),
				WithClock(func() time.Time { return time.UnixMilli(sc.TimestampMS) }),
				WithNonceFunc(func() string { return sc.Nonce }),
			)

			require.NoError(t, call(context.Background(), c, sc))

			reqs := fp.requests()
			require.Len(t, reqs, 1)
			got := reqs[0]
			assert.Equal(t, sc.Method, got.Method)
			assert.Equal(t, sc.Path, got.RawPath)
			assert.Equal(t, sc.Body, string(got.Body))
			want := url.Values{}
			for k, v := range sc.Query {
				want.Set(k, v)
			}
			assert.Equal(t, want, got.Query)
			for k, v := range sc.Headers {
				assert.Equal(t, v, got.Header.Get(k), k)
			}
			for k := range got.Header {
				if strings.HasPrefix(k, "X-Ca-") || k == "Content-Md5" || k == "Content-Type" {
					_, ok := sc.Headers[http.CanonicalHeaderKey(k)]
					if k == "Content-Md5" {
						_, ok = sc.Headers[HeaderContentMD5]
					}
					assert.True(t, ok, "header %s sent but not in the golden file", k)
				}
			}
		})
	}
}

func TestNewClientRefusesBadOptions(t *testing.T) {
	good := []Option{WithBaseURL("https://zcjg.example.gov.cn/openapi"),
		WithCredentials(testAppKey, testAppSecret)}
	tests := []struct {
		name string
		opts []Option
	}{
		{"no base URL", []Option{WithCredentials(testAppKey, testAppSecret)}},
		{"no credentials", []Option{WithBaseURL("https://h")}},
		{"empty secret", append(good, WithCredentials(testAppKey, ""))},
		{"relative base URL", append(good, WithBaseURL("/openapi"))},
		{"ftp base URL", append(good, WithBaseURL("ftp://h/openapi"))},
		{"base URL with query", append(good, WithBaseURL("https://h/openapi?x=1"))},
		{"base URL with user", append(good, WithBaseURL("https://u:pw@h/openapi"))},
		{"signature method", append(good, WithSignatureMethod("HmacMD5"))},
		{"zero timeout", append(good, WithTimeout(0))},
		{"zero attempts", append(good, WithRetryPolicy(RetryPolicy{}))},
		{"negative delay", append(good,
			WithRetryPolicy(RetryPolicy{MaxAttempts: 2, BaseDelay: -time.Second}))},
		{"zero rate", append(good, WithRateLimit(0, 1))},
		{"zero burst", append(good, WithRateLimit(5, 0))},
		{"nil logger", append(good, WithLogger(nil))},
		{"nil transport", append(good, WithTransport(nil))},
		{"nil clock", append(good, WithClock(nil))},
		{"nil nonce", append(good, WithNonceFunc(nil))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewClient(tt.opts...)
			assert.Error(t, err)
			assert.Nil(t, c)
			if err != nil {
				assert.NotContains(t, err.Error(), testAppSecret)
				assert.NotContains(t, err.Error(), "pw@")
			}
		})
	}

	c, err := NewClient(good...)
	require.NoError(t, err)
	assert.Equal(t, "/openapi", c.basePath)
	assert.Equal(t, "https://zcjg.example.gov.cn", c.origin)
	assert.Equal(t, DefaultRetryPolicy(), c.retry)
	assert.Equal(t, HmacSHA256, c.method)
}

func TestBasePathTrailingSlashIsDropped(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL+"/openapi/")

	_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

	require.NoError(t, err)
	require.Len(t, fp.requests(), 1)
	assert.Equal(t, "/openapi/v1/intentions", fp.requests()[0].Path)
}
