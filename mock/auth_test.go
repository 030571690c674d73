package mock

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestWorkedExample replays the request of contract §2.4 byte for byte, with
// the platform's clock at its timestamp: it passes authentication (the body
// is not an intention, so the answer is 1002, not a 2xxx code).
func TestWorkedExample(t *testing.T) {
	at := time.UnixMilli(1735689600000)
	p := New(Config{AppKey: testKey, AppSecret: testSecret,
		Clock: func() time.Time { return at }})

	body := `{"plan_id":"PLAN-2025-0001","amount":"1000000.00"}`
	r := httptest.NewRequest(http.MethodPost, "/v1/intentions", strings.NewReader(body))
	for k, v := range map[string]string{
		"Accept":                 "application/json",
		"Content-Type":           "application/json; charset=utf-8",
		"Content-MD5":            "T0nCqSXOQnbSUa+uYYYlSQ==",
		"X-Ca-Key":               "203000001",
		"X-Ca-Timestamp":         "1735689600000",
		"X-Ca-Nonce":             "c9f15cbf-f4ac-4a6c-b54d-f51abf4b5b44",
		"X-Ca-Signature-Method":  "HmacSHA256",
		"X-Ca-Signature-Headers": "X-Ca-Key,X-Ca-Nonce,X-Ca-Signature-Method,X-Ca-Timestamp",
		"X-Ca-Signature":         "J8znvs3azeV1/95Vvuht6KOHc7VoCvCo135veB7iLqg=",
	} {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	p.ServeHTTP(w, r)

	var env regplatform.Envelope
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &env))
	assert.Equal(t, regplatform.CodeMalformedBody, env.Code, env.Message)
	assert.Equal(t, http.StatusBadRequest, w.Code)
	assert.Empty(t, w.Header().Get(regplatform.HeaderErrorMessage))
}

// signVector is a hand-written signing case of regplatform/testdata/wire/sign.
type signVector struct {
	AppKey       string            `json:"app_key"`
	AppSecret    string            `json:"app_secret"`
	TimestampMS  int64             `json:"timestamp_ms"`
	Method       string            `json:"method"`
	BasePath     string            `json:"base_path"`
	Path         string            `json:"path"`
	Query        map[string]string `json:"query"`
	Body         string            `json:"body"`
	Headers      map[string]string `json:"headers"`
	StringToSign string            `json:"string_to_sign"`
}

// TestSignVectors sends every hand-written signing vector as it stands and
// checks that none is refused by authentication; a vector whose signature is
// then broken is refused with the vector's string to sign in
// X-Ca-Error-Message.
func TestSignVectors(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "regplatform", "testdata", "wire",
		"sign", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)

	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			raw, err := os.ReadFile(file)
			require.NoError(t, err)
			var v signVector
			require.NoError(t, json.Unmarshal(raw, &v))

			send := func(sig string) *httptest.ResponseRecorder {
				at := time.UnixMilli(v.TimestampMS)
				p := New(Config{AppKey: v.AppKey, AppSecret: v.AppSecret,
					BasePath: v.BasePath, Clock: func() time.Time { return at }})
				q := url.Values{}
				for k, val := range v.Query {
					q.Set(k, val)
				}
				target := v.Path
				if len(q) > 0 {
					target += "?" + q.Encode()
				}
				r := httptest.NewRequest(v.Method, target, strings.NewReader(v.Body))
				for k, val := range v.Headers {
					r.Header.Set(k, val)
				}
				if sig != "" {
					r.Header.Set(regplatform.HeaderSignature, sig)
				}
				w := httptest.NewRecorder()
				p.ServeHTTP(w, r)
				return w
			}

			w := send("")
			var env regplatform.Envelope
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &env))
			assert.NotEqual(t, "2", env.Code[:1], "code %s %s", env.Code, env.Message)

			w = send("AAAA" + v.Headers[regplatform.HeaderSignature][4:])
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &env))
			assert.Equal(t, regplatform.CodeBadSignature, env.Code)
			assert.Equal(t, strings.ReplaceAll(v.StringToSign, "\n", "#"),
				w.Header().Get(regplatform.HeaderErrorMessage))
		})
	}
}

func TestAuthentication(t *testing.T) {
	body := intentionBody(t)
	tests := []struct {
		name   string
		tamper func(h *harness, r *http.Request)
		code   string
		status int
	}{
		{"valid", func(h *harness, r *http.Request) {}, regplatform.CodeOK, 200},
		{"unknown app key", func(h *harness, r *http.Request) {
			r.Header.Set(regplatform.HeaderKey, "999")
		}, regplatform.CodeBadAppKey, 401},
		{"no app key", func(h *harness, r *http.Request) {
			r.Header.Del(regplatform.HeaderKey)
		}, regplatform.CodeBadAppKey, 401},
		{"wrong signature", func(h *harness, r *http.Request) {
			r.Header.Set(regplatform.HeaderSignature, "bm90IGl0")
		}, regplatform.CodeBadSignature, 401},
		{"body changed after signing", func(h *harness, r *http.Request) {
			r.Body = ioNop(append([]byte(" "), body...))
		}, regplatform.CodeBadSignature, 401},
		{"content-md5 not of the body", func(h *harness, r *http.Request) {
			r.Header.Set(regplatform.HeaderContentMD5, regplatform.ContentMD5([]byte("x")))
			h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
				regplatform.HeaderNonce, regplatform.HeaderSignatureMethod))
		}, regplatform.CodeBadSignature, 401},
		{"nonce left out of the list", func(h *harness, r *http.Request) {
			h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
				regplatform.HeaderSignatureMethod))
		}, regplatform.CodeBadSignature, 401},
		{"signature method left out of the list", func(h *harness, r *http.Request) {
			h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
				regplatform.HeaderNonce))
		}, regplatform.CodeBadSignature, 401},
		{"unsigned X-Ca header", func(h *harness, r *http.Request) {
			r.Header.Set("X-Ca-Stage", "RELEASE")
		}, regplatform.CodeBadSignature, 401},
		{"signed X-Ca header", func(h *harness, r *http.Request) {
			r.Header.Set("X-Ca-Stage", "RELEASE")
			h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
				regplatform.HeaderNonce, regplatform.HeaderSignatureMethod, "X-Ca-Stage"))
		}, regplatform.CodeOK, 200},
		{"header list in lower case", func(h *harness, r *http.Request) {
			list := strings.ToLower(r.Header.Get(regplatform.HeaderSignatureHeaders))
			r.Header.Set(regplatform.HeaderSignatureHeaders, list)
		}, regplatform.CodeOK, 200},
		{"unknown signature method", func(h *harness, r *http.Request) {
			r.Header.Set(regplatform.HeaderSignatureMethod, "HmacMD5")
		}, regplatform.CodeBadSignature, 401},
		{"timestamp 16 minutes early", func(h *harness, r *http.Request) {
			resign(h, r, regplatform.HeaderTimestamp, ms(h.clock.Now().Add(-16*time.Minute)))
		}, regplatform.CodeClockSkew, 401},
		{"timestamp 16 minutes late", func(h *harness, r *http.Request) {
			resign(h, r, regplatform.HeaderTimestamp, ms(h.clock.Now().Add(16*time.Minute)))
		}, regplatform.CodeClockSkew, 401},
		{"timestamp 15 minutes early", func(h *harness, r *http.Request) {
			resign(h, r, regplatform.HeaderTimestamp, ms(h.clock.Now().Add(-15*time.Minute)))
		}, regplatform.CodeOK, 200},
		{"timestamp in seconds", func(h *harness, r *http.Request) {
			resign(h, r, regplatform.HeaderTimestamp, ms(h.clock.Now())[:10])
		}, regplatform.CodeClockSkew, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			r := h.request(http.MethodPost, pathIntentions, nil, body)
			tt.tamper(h, r)
			got := h.serve(r)
			assert.Equal(t, tt.code, got.env.Code, got.env.Message)
			assert.Equal(t, tt.status, got.status)
			// A mismatch, not a refused header list, shows the string to sign.
			if got.env.Message == "签名无效" {
				assert.Contains(t, got.header.Get(regplatform.HeaderErrorMessage),
					"#"+pathIntentions)
			}
		})
	}
}

func TestSM3Signature(t *testing.T) {
	h := newHarness(t, Config{})
	h.method = regplatform.HmacSM3
	got := h.push(pathIntentions, intentionBody(t))
	assert.Equal(t, regplatform.CodeOK, got.env.Code, got.env.Message)
}

func TestNonceReplay(t *testing.T) {
	h := newHarness(t, Config{})
	q := url.Values{"source_ids": {"YX1"}}
	r := h.request(http.MethodGet, pathIntentionResults, q, nil)
	nonce := r.Header.Get(regplatform.HeaderNonce)

	first := h.serve(r)
	require.Equal(t, regplatform.CodeOK, first.env.Code)

	// The same nonce, freshly timestamped and signed, within 30 minutes.
	h.clock.Advance(29 * time.Minute)
	again := h.request(http.MethodGet, pathIntentionResults, q, nil)
	resign(h, again, regplatform.HeaderNonce, nonce)
	got := h.serve(again)
	assert.Equal(t, regplatform.CodeNonceReplay, got.env.Code)
	assert.Equal(t, http.StatusUnauthorized, got.status)

	// Another school may use the same nonce.
	other := newHarnessSharing(h, "203000002", "otherSecret")
	r2 := other.request(http.MethodGet, pathIntentionResults, q, nil)
	resign(other, r2, regplatform.HeaderNonce, nonce)
	assert.Equal(t, regplatform.CodeOK, other.serve(r2).env.Code)

	// After the 30-minute window the nonce is forgotten.
	h.clock.Advance(2 * time.Minute)
	later := h.request(http.MethodGet, pathIntentionResults, q, nil)
	resign(h, later, regplatform.HeaderNonce, nonce)
	assert.Equal(t, regplatform.CodeOK, h.serve(later).env.Code)
}

func TestForgedRequestBurnsNoNonce(t *testing.T) {
	h := newHarness(t, Config{})
	q := url.Values{"source_ids": {"YX1"}}
	r := h.request(http.MethodGet, pathIntentionResults, q, nil)
	nonce := r.Header.Get(regplatform.HeaderNonce)
	r.Header.Set(regplatform.HeaderSignature, "Zm9yZ2Vk")
	require.Equal(t, regplatform.CodeBadSignature, h.serve(r).env.Code)

	real := h.request(http.MethodGet, pathIntentionResults, q, nil)
	resign(h, real, regplatform.HeaderNonce, nonce)
	assert.Equal(t, regplatform.CodeOK, h.serve(real).env.Code)
}

func TestBasePathIsSigned(t *testing.T) {
	h := newHarness(t, Config{BasePath: "/openapi"})
	got := h.results("/openapi"+pathIntentionResults, "YX1")
	assert.Equal(t, regplatform.CodeOK, got.env.Code, got.env.Message)

	// Signed without the base path, sent with it.
	r := h.request(http.MethodGet, pathIntentionResults, url.Values{"source_ids": {"YX1"}}, nil)
	r.URL.Path = "/openapi" + pathIntentionResults
	assert.Equal(t, regplatform.CodeBadSignature, h.serve(r).env.Code)
}

// newHarnessSharing returns a harness of another school on h's platform.
func newHarnessSharing(h *harness, key, secret string) *harness {
	h.p.keys[key] = secret
	return &harness{t: h.t, p: h.p, clock: h.clock, key: key, secret: secret,
		method: regplatform.HmacSHA256, nonce: 1000}
}

// signedOf returns the named headers of r with their values.
func signedOf(r *http.Request, names ...string) map[string]string {
	out := map[string]string{}
	for _, n := range names {
		out[n] = r.Header.Get(n)
	}
	return out
}

// resign sets one signed header and signs r again.
func resign(h *harness, r *http.Request, name, value string) {
	r.Header.Set(name, value)
	h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
		regplatform.HeaderNonce, regplatform.HeaderSignatureMethod))
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

func ioNop(b []byte) *nopBody { return &nopBody{bytes.NewReader(b)} }

type nopBody struct{ *bytes.Reader }

func (nopBody) Close() error { return nil }
