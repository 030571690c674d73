package mock

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

func adminDo(t *testing.T, h *harness, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.RemoteAddr = "127.0.0.1:50000"
	r.Host = "127.0.0.1:8701"
	if method == http.MethodPost {
		r.Header.Set("Content-Type", "application/json")
	}
	w := httptest.NewRecorder()
	h.p.AdminHandler().ServeHTTP(w, r)
	return w
}

func TestAdminAPI(t *testing.T) {
	h := newHarness(t, Config{})

	script := `{"flow":"intention","source_id":"YX2021020023",
		"script":{"outcomes":{"1":{"status":"FAILED","reason":"数据格式有误"}},
		"faults":[{"revision":1,"attempt":1,"fault":"error_after_store"}]}}`
	w := adminDo(t, h, http.MethodPost, "/admin/script", script)
	require.Equal(t, http.StatusNoContent, w.Code, w.Body.String())

	body := intentionBody(t)
	assert.Equal(t, regplatform.CodeInternal, h.push(pathIntentions, body).env.Code)
	assert.True(t, data[regplatform.Receipt](t, h.push(pathIntentions, body)).Duplicate)
	res := data[regplatform.IntentionResults](t, h.results(pathIntentionResults, yx))
	assert.Equal(t, "数据格式有误", res.Results[0].FailReason)

	w = adminDo(t, h, http.MethodGet, "/admin/accepted", "")
	require.Equal(t, http.StatusOK, w.Code)
	var accepted []AcceptedCount
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &accepted))
	assert.Equal(t, []AcceptedCount{{AcceptKey: AcceptKey{Flow: regplatform.FlowIntention,
		SourceID: yx, Revision: 1}, Count: 1}}, accepted)

	w = adminDo(t, h, http.MethodGet, "/admin/requests", "")
	var reqs []RecordedRequest
	require.NoError(t, json.Unmarshal(w.Body.Bytes(), &reqs))
	require.Len(t, reqs, 3)
	assert.Equal(t, FaultErrorAfterStore, reqs[0].Fault)
	assert.NotContains(t, w.Body.String(), testSecret)

	w = adminDo(t, h, http.MethodPost, "/admin/reset", "")
	require.Equal(t, http.StatusNoContent, w.Code)
	assert.Empty(t, h.p.Requests())
	assert.Empty(t, h.p.AcceptedCounts())
}

func TestAdminRefusals(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct {
		name, body string
	}{
		{"unknown flow", `{"flow":"x","source_id":"A","script":{}}`},
		{"unknown fault", `{"flow":"plan","source_id":"A",
			"script":{"faults":[{"revision":1,"fault":"boom"}]}}`},
		{"status of another flow", `{"flow":"plan","source_id":"A",
			"script":{"outcomes":{"1":{"status":"FAILED"}}}}`},
		{"unknown field", `{"flow":"plan","source_id":"A","scrpit":{}}`},
		{"bad business type", `{"flow":"plan","source_id":"A",
			"script":{"execution":{"business_type":"SHOP"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := adminDo(t, h, http.MethodPost, "/admin/script", tt.body)
			assert.Equal(t, http.StatusBadRequest, w.Code)
			assert.Contains(t, w.Body.String(), "error")
		})
	}

	r := httptest.NewRequest(http.MethodPost, "/admin/reset", nil)
	r.RemoteAddr = "192.0.2.7:40000"
	r.Host = "127.0.0.1:8701"
	r.Header.Set("Content-Type", "application/json")
	w := httptest.NewRecorder()
	h.p.AdminHandler().ServeHTTP(w, r)
	assert.Equal(t, http.StatusForbidden, w.Code)
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		ok   bool
	}{
		{"zero", Config{}, true},
		{"all faults at once", Config{Faults: FaultConfig{ErrorAfterStore: 0.5,
			StallAfterStore: 0.5, Latency: 1}}, true},
		{"rate above one", Config{Faults: FaultConfig{NotEnvelope: 1.5}}, false},
		{"negative rate", Config{Faults: FaultConfig{Latency: -0.1}}, false},
		{"exclusive rates above one", Config{Faults: FaultConfig{ErrorAfterStore: 0.6,
			ErrorBeforeStore: 0.6}}, false},
		{"negative rate limit", Config{RateLimit: -1}, false},
		{"negative delay", Config{PublishAfter: -1}, false},
		{"base path", Config{BasePath: "/openapi"}, true},
		{"nested base path", Config{BasePath: "/gw/openapi"}, true},
		{"base path without leading slash", Config{BasePath: "openapi"}, false},
		{"base path with trailing slash", Config{BasePath: "/openapi/"}, false},
		{"base path of a slash", Config{BasePath: "/"}, false},
		{"base path with a query", Config{BasePath: "/openapi?x=1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.cfg.Validate()
			if tt.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, ErrConfig)
			assert.Panics(t, func() { New(tt.cfg) })
		})
	}
}
