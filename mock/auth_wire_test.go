package mock

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestSignedPathIsThePathAsSent sends plan ids that must be escaped in a
// path. The signed path is the path as it appears in the request line,
// escaped, as the client signs it; the plan id is read unescaped.
func TestSignedPathIsThePathAsSent(t *testing.T) {
	for _, id := range []string{"ZCJH 2026", "ZCJH/2026", "ZCJH%2026"} {
		t.Run(id, func(t *testing.T) {
			h := newHarness(t, Config{})
			path := "/v1/plans/" + url.PathEscape(id) + "/project"
			r := h.request(http.MethodGet, path, nil, nil)
			require.Equal(t, path, r.URL.EscapedPath())

			got := h.serve(r)
			assert.Equal(t, regplatform.CodeNotFound, got.env.Code, got.env.Message)
			assert.Equal(t, "记录不存在", got.env.Message, "the route was found")
		})
	}
}

// TestTimestampWindowInMilliseconds checks the 900 000 ms bound of §2.3 on
// whole milliseconds, on both sides of the platform's clock, with a clock
// that is not on a millisecond boundary.
func TestTimestampWindowInMilliseconds(t *testing.T) {
	tests := []struct {
		name   string
		offset int64 // timestamp minus the platform's clock, in ms
		code   string
	}{
		{"900000 ms behind", -900_000, regplatform.CodeOK},
		{"900000 ms ahead", 900_000, regplatform.CodeOK},
		{"900001 ms behind", -900_001, regplatform.CodeClockSkew},
		{"900001 ms ahead", 900_001, regplatform.CodeClockSkew},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			// 0.9 ms past the millisecond: a nanosecond comparison would
			// see 900000.9 ms behind.
			h.clock.Advance(900 * time.Microsecond)
			now := h.clock.Now().UnixMilli()
			r := h.request(http.MethodGet, pathIntentionResults,
				url.Values{"source_ids": {"YX1"}}, nil)
			resign(h, r, regplatform.HeaderTimestamp, itoa(now+tt.offset))

			got := h.serve(r)
			assert.Equal(t, tt.code, got.env.Code, got.env.Message)
		})
	}
}

// TestContentMD5RequiredWithBody refuses a push whose Content-MD5 header is
// missing, even when the string to sign held the body's MD5.
func TestContentMD5RequiredWithBody(t *testing.T) {
	h := newHarness(t, Config{})
	r := h.request(http.MethodPost, pathIntentions, nil, intentionBody(t))
	r.Header.Del(regplatform.HeaderContentMD5)

	got := h.serve(r)
	assert.Equal(t, regplatform.CodeBadSignature, got.env.Code, got.env.Message)
	assert.Equal(t, http.StatusUnauthorized, got.status)
	assert.Zero(t, h.p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))
}

// TestEmptyQueryValueIsSignedAsKeyAlone sends a parameter without "=" and one
// with an empty value; both are signed as the key alone.
func TestEmptyQueryValueIsSignedAsKeyAlone(t *testing.T) {
	for _, raw := range []string{"package_no&page_no=1", "package_no=&page_no=1"} {
		t.Run(raw, func(t *testing.T) {
			h := newHarness(t, Config{})
			r := h.request(http.MethodGet, "/v1/plans/ZCJH-X/bids", nil, nil)
			r.URL.RawQuery = raw
			h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
				regplatform.HeaderNonce, regplatform.HeaderSignatureMethod))

			got := h.serve(r)
			assert.Equal(t, regplatform.CodeNotFound, got.env.Code, got.env.Message)
		})
	}

	// The server's string to sign writes the key alone.
	h := newHarness(t, Config{})
	r := h.request(http.MethodGet, "/v1/plans/ZCJH-X/bids", nil, nil)
	r.URL.RawQuery = "package_no&page_no=1"
	got := h.serve(r)
	require.Equal(t, regplatform.CodeBadSignature, got.env.Code)
	assert.Contains(t, got.header.Get(regplatform.HeaderErrorMessage),
		"#/v1/plans/ZCJH-X/bids?package_no&page_no=1")
}

func itoa(n int64) string { return ms(time.UnixMilli(n)) }
