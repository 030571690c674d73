package regplatform

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAPIErrorClasses(t *testing.T) {
	classes := []error{ErrValidation, ErrAuth, ErrReplay, ErrConflict, ErrNotFound,
		ErrRateLimited, ErrUnavailable}
	tests := []struct {
		code  string
		class error
	}{
		{CodeInvalidParams, ErrValidation},
		{CodeMalformedBody, ErrValidation},
		{CodeBadSignature, ErrAuth},
		{CodeClockSkew, ErrAuth},
		{CodeNonceReplay, ErrReplay},
		{CodeBadAppKey, ErrAuth},
		{CodeForbidden, ErrAuth},
		{CodeBodyMismatch, ErrConflict},
		{CodeStateConflict, ErrConflict},
		{CodeNotFound, ErrNotFound},
		{CodeRateLimited, ErrRateLimited},
		{CodeInternal, ErrUnavailable},
		{CodeMaintenance, ErrUnavailable},
		{"9999", nil},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			err := fmt.Errorf("wrapped: %w", &APIError{Code: tt.code})
			for _, class := range classes {
				assert.Equal(t, class == tt.class, errors.Is(err, class), "%v", class)
			}
		})
	}
}

func TestAPIErrorFromGoldenAnswers(t *testing.T) {
	fp := newFakePlatform(t, func(n int, r recorded) canned {
		return loadResponse(t, r.Query.Get("answer"))
	})
	c, _ := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))
	send := func(name string) *APIError {
		req := &request{method: http.MethodPost, path: "/v1/intentions",
			query: map[string][]string{"answer": {name}}, body: []byte(`{}`),
			reqType: reflect.TypeFor[Intention]()}
		err := c.call(context.Background(), req, &Receipt{})
		var ae *APIError
		require.ErrorAs(t, err, &ae)
		return ae
	}

	ae := send("error-1001.http")
	assert.Equal(t, "1001", ae.Code)
	assert.Equal(t, "参数校验失败", ae.Message)
	assert.Equal(t, http.StatusBadRequest, ae.HTTPStatus)
	assert.Equal(t, "9f1c6a2e-0030", ae.RequestID)
	assert.Equal(t, []FieldError{
		{Field: "items[0].budget_amount", Label: "预算金额(元)", Message: "须大于0"},
		{Field: "title", Label: "公告主题", Message: "长度须为1–200个字符"},
	}, ae.Fields)
	assert.Contains(t, ae.Error(), "9f1c6a2e-0030")
	assert.Contains(t, ae.Error(), "items[0].budget_amount (预算金额(元)): 须大于0")

	ae = send("error-2001.http")
	assert.Equal(t, "POST#application/json#T0nCqSXOQnbSUa+uYYYlSQ==#"+
		"application/json; charset=utf-8##X-Ca-Key:203000001#"+
		"X-Ca-Nonce:c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44#X-Ca-Signature-Method:HmacSHA256#"+
		"X-Ca-Timestamp:1735689600000#/v1/intentions", ae.ServerStringToSign)
	assert.Contains(t, ae.Error(), "server string to sign")

	ae = send("error-4290.http")
	d, ok := RetryAfter(ae)
	assert.True(t, ok)
	assert.Equal(t, 2*time.Second, d)

	ae = send("error-3003.http")
	_, ok = RetryAfter(ae)
	assert.False(t, ok)
	assert.Empty(t, ae.ServerStringToSign)
}

func TestParseRetryAfter(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"2", 2 * time.Second, true},
		{" 0 ", 0, true},
		{"", 0, false},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"Wed, 21 Oct 2015 07:28:00 GMT", 0, false},
		{"999999999", 0, false},
	}
	for _, tt := range tests {
		d, ok := parseRetryAfter(tt.in)
		assert.Equal(t, tt.want, d, tt.in)
		assert.Equal(t, tt.ok, ok, tt.in)
	}
}

func TestMaybeSent(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"plain", errors.New("x"), false},
		{"validation", &ValidationError{Kind: "intention"}, false},
		{"4xx envelope", &APIError{Code: CodeStateConflict, HTTPStatus: 409}, false},
		{"rate limited", &APIError{Code: CodeRateLimited, HTTPStatus: 429}, false},
		{"5000", &APIError{Code: CodeInternal, HTTPStatus: 500}, true},
		{"unknown code with 5xx", &APIError{Code: "9999", HTTPStatus: 502}, true},
		{"not sent", &TransportError{Op: "POST /v1/intentions"}, false},
		{"sent", &TransportError{Op: "POST /v1/intentions", MaybeSent: true}, true},
		{"earlier attempt sent", &sentEarlierError{err: &TransportError{}}, true},
		{"wrapped", fmt.Errorf("push: %w", &TransportError{MaybeSent: true}), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, MaybeSent(tt.err))
		})
	}
}

func TestMaybeSentOverTheWire(t *testing.T) {
	t.Run("closed port is not sent", func(t *testing.T) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		require.NoError(t, err)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		c, s := newTestClient(t, "http://"+addr)

		_, err = c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.False(t, te.MaybeSent)
		assert.False(t, MaybeSent(err))
		assert.Len(t, s.waits(), 2, "refused connections are retried")
	})

	t.Run("timeout after the body was read is maybe sent", func(t *testing.T) {
		release := make(chan struct{})
		fp := newFakePlatform(t, func(int, recorded) canned {
			<-release
			return loadResponse(t, "receipt.http")
		})
		t.Cleanup(func() { close(release) })
		c, _ := newTestClient(t, fp.srv.URL, WithTimeout(100*time.Millisecond),
			WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))

		_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.True(t, te.MaybeSent)
		require.Len(t, fp.requests(), 1)
		assert.Equal(t, string(validIntentionBody(t)), string(fp.requests()[0].Body))
	})

	t.Run("HTML answer is maybe sent", func(t *testing.T) {
		fp := newFakePlatform(t, sequence(loadResponse(t, "gateway-502.http")))
		c, _ := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))

		_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

		var te *TransportError
		require.ErrorAs(t, err, &te)
		assert.True(t, te.MaybeSent)
		assert.ErrorIs(t, err, ErrMalformedResponse)
		assert.Contains(t, err.Error(), "HTTP 502")
		assert.NotContains(t, err.Error(), "<html>", "the page itself is not quoted")
	})

	t.Run("redirect is not followed", func(t *testing.T) {
		fp := newFakePlatform(t, sequence(canned{status: http.StatusFound,
			header: http.Header{"Location": {"/elsewhere"}}}))
		c, _ := newTestClient(t, fp.srv.URL, WithRetryPolicy(RetryPolicy{MaxAttempts: 1}))

		_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

		require.ErrorIs(t, err, ErrMalformedResponse)
		assert.Len(t, fp.requests(), 1)
	})
}

// roundTripFunc is a transport that reports no httptrace events.
type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

func TestMaybeSentWithoutTraceEvents(t *testing.T) {
	dialErr := &net.OpError{Op: "dial", Net: "tcp", Err: errors.New("connection refused")}
	readErr := &net.OpError{Op: "read", Net: "tcp", Err: errors.New("connection reset")}
	dnsErr := &net.DNSError{Err: "no such host", Name: "zcjg.invalid"}
	tests := []struct {
		name   string
		errors []error
		want   bool
	}{
		{"dial failure", []error{dialErr}, false},
		{"DNS failure", []error{dnsErr}, false},
		{"reset", []error{readErr}, true},
		{"reset then refused", []error{readErr, dialErr, dialErr}, true},
		{"refused every time", []error{dialErr, dialErr, dialErr}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n atomic.Int32
			rt := roundTripFunc(func(*http.Request) (*http.Response, error) {
				i := int(n.Add(1)) - 1
				return nil, tt.errors[min(i, len(tt.errors)-1)]
			})
			c, _ := newTestClient(t, "https://zcjg.invalid", WithTransport(rt),
				WithRetryPolicy(RetryPolicy{MaxAttempts: len(tt.errors)}))

			_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

			require.Error(t, err)
			assert.Equal(t, tt.want, MaybeSent(err))
			assert.EqualValues(t, len(tt.errors), n.Load())
		})
	}
}

// TestNoSecretInLogsOrErrors drives failing calls with every log level on
// and checks that neither the AppSecret nor any signature that was sent
// appears in a log line or an error text.
func TestNoSecretInLogsOrErrors(t *testing.T) {
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	answers := []string{"error-5000.http", "error-2001.http", "gateway-502.http",
		"error-1001.http", "error-4290.http", "receipt.http"}
	fp := newFakePlatform(t, func(n int, _ recorded) canned {
		return loadResponse(t, answers[n%len(answers)])
	})
	c, _ := newTestClient(t, fp.srv.URL, WithLogger(logger))

	var texts []string
	for range answers {
		_, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v", err))
		}
	}
	c.http.SetTimeout(time.Nanosecond)
	_, err := c.Intentions.Results(context.Background(), []string{"YX1"})
	require.Error(t, err)
	texts = append(texts, err.Error())

	require.NotEmpty(t, texts)
	require.NotEmpty(t, logs.String())
	all := logs.String() + strings.Join(texts, "\n")
	assert.NotContains(t, all, testAppSecret)
	for _, r := range fp.requests() {
		sig := r.Header.Get(HeaderSignature)
		require.NotEmpty(t, sig)
		assert.NotContains(t, all, sig)
	}
}
