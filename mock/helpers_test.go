package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

const (
	testKey    = "203000001"
	testSecret = "testAppSecret0123456789abcdefABCD"
)

// testClock is a clock the test moves by hand.
type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func newTestClock() *testClock {
	// A Thursday, 10:00 CST.
	return &testClock{now: time.Date(2026, 12, 3, 10, 0, 0, 0, regplatform.CST)}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// harness is a platform under test with a client that signs by hand.
type harness struct {
	t      *testing.T
	p      *Platform
	clock  *testClock
	key    string
	secret string
	method regplatform.SignatureMethod
	nonce  int
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	clock := newTestClock()
	if cfg.AppKey == "" {
		cfg.AppKey, cfg.AppSecret = testKey, testSecret
	}
	if cfg.Clock == nil {
		cfg.Clock = clock.Now
	}
	return &harness{t: t, p: New(cfg), clock: clock, key: cfg.AppKey,
		secret: cfg.AppSecret, method: regplatform.HmacSHA256}
}

// request builds a signed request the way §2 describes it.
func (h *harness) request(method, path string, query url.Values, body []byte) *http.Request {
	h.t.Helper()
	h.nonce++
	target := path
	if len(query) > 0 {
		target += "?" + query.Encode()
	}
	r := httptest.NewRequest(method, target, bytes.NewReader(body))
	r.Header.Set("Accept", "application/json")
	if body != nil {
		r.Header.Set("Content-Type", "application/json; charset=utf-8")
		r.Header.Set(regplatform.HeaderContentMD5, regplatform.ContentMD5(body))
	}
	signed := map[string]string{
		regplatform.HeaderKey:             h.key,
		regplatform.HeaderTimestamp:       strconv.FormatInt(h.clock.Now().UnixMilli(), 10),
		regplatform.HeaderNonce:           fmt.Sprintf("nonce-%s-%d", h.t.Name(), h.nonce),
		regplatform.HeaderSignatureMethod: string(h.method),
	}
	for k, v := range signed {
		r.Header.Set(k, v)
	}
	h.sign(r, signed)
	return r
}

// sign sets X-Ca-Signature-Headers and X-Ca-Signature over signed.
func (h *harness) sign(r *http.Request, signed map[string]string) {
	h.t.Helper()
	r.Header.Set(regplatform.HeaderSignatureHeaders, regplatform.SignedHeaderNames(signed))
	sts := regplatform.StringToSign(regplatform.SignInput{
		Method: r.Method, Accept: r.Header.Get("Accept"),
		ContentMD5:  r.Header.Get(regplatform.HeaderContentMD5),
		ContentType: r.Header.Get("Content-Type"),
		Headers:     signed, Path: r.URL.EscapedPath(), Query: r.URL.Query(),
	})
	sig, err := regplatform.Sign(h.method, h.secret, sts)
	require.NoError(h.t, err)
	r.Header.Set(regplatform.HeaderSignature, sig)
}

// reply is a decoded answer.
type reply struct {
	status int
	header http.Header
	env    regplatform.Envelope
	raw    []byte
}

func (h *harness) serve(r *http.Request) reply {
	h.t.Helper()
	w := httptest.NewRecorder()
	h.p.ServeHTTP(w, r)
	out := reply{status: w.Code, header: w.Header(), raw: w.Body.Bytes()}
	if w.Header().Get("Content-Type") == "application/json; charset=utf-8" {
		require.NoError(h.t, json.Unmarshal(w.Body.Bytes(), &out.env), w.Body.String())
	}
	return out
}

func (h *harness) push(path string, body []byte) reply {
	h.t.Helper()
	return h.serve(h.request(http.MethodPost, path, nil, body))
}

func (h *harness) get(path string, query url.Values) reply {
	h.t.Helper()
	return h.serve(h.request(http.MethodGet, path, query, nil))
}

func (h *harness) results(path string, ids ...string) reply {
	h.t.Helper()
	q := url.Values{}
	q.Set("source_ids", joinIDs(ids))
	return h.get(path, q)
}

func joinIDs(ids []string) string {
	var b bytes.Buffer
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(id)
	}
	return b.String()
}

// data decodes the data of a successful answer into v.
func data[T any](t *testing.T, r reply) T {
	t.Helper()
	require.Equal(t, regplatform.CodeOK, r.env.Code, "message %q", r.env.Message)
	var v T
	require.NoError(t, json.Unmarshal(r.env.Data, &v))
	return v
}

// golden reads a file of the regplatform package's hand-written testdata.
func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "regplatform", "testdata", name))
	require.NoError(t, err)
	return b
}

// withRevision rewrites the revision of a JSON request body.
func withRevision(t *testing.T, body []byte, rev int) []byte {
	t.Helper()
	return withField(t, body, "revision", rev)
}

// withField rewrites one top-level field of a JSON request body.
func withField(t *testing.T, body []byte, name string, v any) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	raw, err := json.Marshal(v)
	require.NoError(t, err)
	m[name] = raw
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

const (
	pathIntentions       = "/v1/intentions"
	pathIntentionResults = "/v1/intentions/results"
	pathNotices          = "/v1/single-source/notices"
	pathNoticeResults    = "/v1/single-source/notices/results"
	pathPlans            = "/v1/plans"
	pathPlanResults      = "/v1/plans/results"
)

func intentionBody(t *testing.T) []byte {
	return golden(t, "wire/requests/intention-YX2021020023-r1.json")
}

func bytesReader(b []byte) io.Reader { return bytes.NewReader(b) }
