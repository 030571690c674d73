package webhook_test

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll/webhook"
)

const testSecret = "whsec-test"

func TestSignMatchesAnIndependentlyComputedValue(t *testing.T) {
	// Computed with: printf '%s' '1796270400.{"flow":"intention"}' |
	// openssl dgst -sha256 -hmac 'whsec-test'
	want := "v1=f73006ba4f9677757e82fbf0f158c9cc6d8df0818ded242e9c7f007b38f5c0b7"
	assert.Equal(t, want, webhook.Sign(testSecret, 1796270400, []byte(`{"flow":"intention"}`)))
}

func signedRequest(t *testing.T, ts int64, body, sig string) *http.Request {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, "/hook", strings.NewReader(body))
	if ts != 0 {
		r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	}
	if sig != "" {
		r.Header.Set(webhook.HeaderSignature, sig)
	}
	return r
}

func TestVerify(t *testing.T) {
	now := time.Unix(1796270400, 0)
	body := `{"flow":"intention","source_id":"YX1"}`
	good := webhook.Sign(testSecret, now.Unix(), []byte(body))
	tests := []struct {
		name    string
		req     func(t *testing.T) *http.Request
		wantErr error
	}{
		{"valid", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix(), body, good)
		}, nil},
		{"valid within tolerance", func(t *testing.T) *http.Request {
			ts := now.Add(-4 * time.Minute).Unix()
			return signedRequest(t, ts, body, webhook.Sign(testSecret, ts, []byte(body)))
		}, nil},
		{"one of several signatures", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix(), body, "v2=abc, "+good)
		}, nil},
		{"no timestamp", func(t *testing.T) *http.Request {
			return signedRequest(t, 0, body, good)
		}, webhook.ErrMissingHeader},
		{"no signature", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix(), body, "")
		}, webhook.ErrMissingHeader},
		{"malformed timestamp", func(t *testing.T) *http.Request {
			r := signedRequest(t, now.Unix(), body, good)
			r.Header.Set(webhook.HeaderTimestamp, "yesterday")
			return r
		}, webhook.ErrTimestamp},
		{"stale", func(t *testing.T) *http.Request {
			ts := now.Add(-6 * time.Minute).Unix()
			return signedRequest(t, ts, body, webhook.Sign(testSecret, ts, []byte(body)))
		}, webhook.ErrTimestamp},
		{"from the future", func(t *testing.T) *http.Request {
			ts := now.Add(6 * time.Minute).Unix()
			return signedRequest(t, ts, body, webhook.Sign(testSecret, ts, []byte(body)))
		}, webhook.ErrTimestamp},
		{"body changed", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix(), strings.Replace(body, "YX1", "YX2", 1), good)
		}, webhook.ErrSignature},
		{"timestamp changed", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix()+1, body, good)
		}, webhook.ErrSignature},
		{"other secret", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix(), body,
				webhook.Sign("other", now.Unix(), []byte(body)))
		}, webhook.ErrSignature},
		{"upper-case hex", func(t *testing.T) *http.Request {
			return signedRequest(t, now.Unix(), body, "v1="+strings.ToUpper(good[3:]))
		}, webhook.ErrSignature},
		{"too large", func(t *testing.T) *http.Request {
			big := strings.Repeat("x", webhook.MaxBodyBytes+1)
			return signedRequest(t, now.Unix(), big,
				webhook.Sign(testSecret, now.Unix(), []byte(big)))
		}, webhook.ErrBodyTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := tt.req(t)
			got, err := webhook.VerifyAt(testSecret, r, 5*time.Minute, now)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Nil(t, got)
				assert.NotContains(t, err.Error(), testSecret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, body, string(got))
			again, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, body, string(again), "the body is put back")
		})
	}
}

func TestVerifyDefaultsTheTolerance(t *testing.T) {
	now := time.Unix(1796270400, 0)
	body := []byte(`{}`)
	for _, tc := range []struct {
		age time.Duration
		ok  bool
	}{{webhook.DefaultTolerance, true}, {webhook.DefaultTolerance + time.Second, false}} {
		ts := now.Add(-tc.age).Unix()
		r := signedRequest(t, ts, string(body), webhook.Sign(testSecret, ts, body))
		_, err := webhook.VerifyAt(testSecret, r, 0, now)
		assert.Equal(t, tc.ok, err == nil, "age %s: %v", tc.age, err)
	}
}

func TestVerifyUsesTheRealClock(t *testing.T) {
	body := []byte(`{"a":1}`)
	ts := time.Now().Unix()
	r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
	r.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(ts, 10))
	r.Header.Set(webhook.HeaderSignature, webhook.Sign(testSecret, ts, body))
	got, err := webhook.Verify(testSecret, r, time.Minute)
	require.NoError(t, err)
	assert.Equal(t, body, got)
}

// TestVerifyRefusesAnEmptySecret: a request signed with the empty key is
// refused when the receiver has no secret, instead of matching.
func TestVerifyRefusesAnEmptySecret(t *testing.T) {
	now := time.Unix(1796270400, 0)
	body := []byte(`{"flow":"intention"}`)
	r := signedRequest(t, now.Unix(), string(body), webhook.Sign("", now.Unix(), body))

	got, err := webhook.VerifyAt("", r, time.Minute, now)
	assert.ErrorIs(t, err, webhook.ErrSignature)
	assert.Nil(t, got)
}
