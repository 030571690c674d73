package mock

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestAdminEmptyLists reads the lists of a platform that has seen nothing:
// empty JSON arrays, not null.
func TestAdminEmptyLists(t *testing.T) {
	h := newHarness(t, Config{})
	for _, path := range []string{"/admin/requests", "/admin/accepted"} {
		w := adminDo(t, h, http.MethodGet, path, "")
		require.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "[]\n", w.Body.String(), path)
	}
	assert.NotNil(t, h.p.Requests())
}

// TestAdminScriptIdentifiers refuses scripts for a source_id that breaks
// the identifier rule, or without a flow: no such record can be pushed.
func TestAdminScriptIdentifiers(t *testing.T) {
	tests := []struct {
		name, body, reason string
	}{
		{"empty source_id", `{"flow":"intention","source_id":"","script":{}}`, "source_id"},
		{"space in source_id", `{"flow":"intention","source_id":"YX 1","script":{}}`,
			"source_id"},
		{"source_id too long", `{"flow":"plan","source_id":"` + strings.Repeat("9", 65) +
			`","script":{}}`, "source_id"},
		{"no flow", `{"source_id":"YX1","script":{}}`, "flow"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			w := adminDo(t, h, http.MethodPost, "/admin/script", tt.body)
			assert.Equal(t, http.StatusBadRequest, w.Code)
			assert.Contains(t, w.Body.String(), tt.reason)
		})
	}

	h := newHarness(t, Config{})
	assert.ErrorIs(t, h.p.SetScript(regplatform.FlowIntention, "YX 1", Script{}), ErrConfig)
	assert.ErrorIs(t, h.p.SetScript(regplatform.FlowIntention, "YX 1", Script{}),
		regplatform.ErrInvalidIdentifier)
	assert.NoError(t, h.p.SetScript(regplatform.FlowIntention, "YX-1_a", Script{}))
}

// TestAdminCrossSiteGuards sends admin requests a web page could make: a
// POST without a JSON content type (a "simple" request that needs no CORS
// preflight) and any request for a host name that is not loopback (a DNS
// rebinding). Both are refused before they do anything.
func TestAdminCrossSiteGuards(t *testing.T) {
	script := `{"flow":"intention","source_id":"YX1",` +
		`"script":{"outcomes":{"1":{"status":"FAILED"}}}}`
	tests := []struct {
		name, method, path, host, contentType string
		status                                int
	}{
		{"script as form", http.MethodPost, "/admin/script", "127.0.0.1:8701",
			"application/x-www-form-urlencoded", http.StatusUnsupportedMediaType},
		{"script as text", http.MethodPost, "/admin/script", "127.0.0.1:8701",
			"text/plain", http.StatusUnsupportedMediaType},
		{"script without type", http.MethodPost, "/admin/script", "127.0.0.1:8701", "",
			http.StatusUnsupportedMediaType},
		{"reset as text", http.MethodPost, "/admin/reset", "127.0.0.1:8701", "text/plain",
			http.StatusUnsupportedMediaType},
		{"script for a rebound name", http.MethodPost, "/admin/script",
			"attacker.example:8701", "application/json", http.StatusForbidden},
		{"reset for a rebound name", http.MethodPost, "/admin/reset", "attacker.example",
			"application/json", http.StatusForbidden},
		{"requests for a rebound name", http.MethodGet, "/admin/requests",
			"attacker.example:8701", "", http.StatusForbidden},
		{"requests for a public IP", http.MethodGet, "/admin/requests", "192.0.2.1:8701",
			"", http.StatusForbidden},
		{"script", http.MethodPost, "/admin/script", "127.0.0.1:8701",
			"application/json; charset=utf-8", http.StatusNoContent},
		{"script for localhost", http.MethodPost, "/admin/script", "localhost:8701",
			"application/json", http.StatusNoContent},
		{"script for IPv6 loopback", http.MethodPost, "/admin/script", "[::1]:8701",
			"application/json", http.StatusNoContent},
		{"requests for loopback without port", http.MethodGet, "/admin/requests",
			"127.0.0.1", "", http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			require.Equal(t, regplatform.CodeOK,
				h.push(pathIntentions, withField(t, intentionBody(t), "source_id", "YX1")).env.Code)

			r := httptest.NewRequest(tt.method, tt.path, strings.NewReader(script))
			r.RemoteAddr = "127.0.0.1:50000"
			r.Host = tt.host
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
			}
			w := httptest.NewRecorder()
			h.p.AdminHandler().ServeHTTP(w, r)
			assert.Equal(t, tt.status, w.Code, w.Body.String())

			// Only an accepted POST changes the platform.
			changed := tt.status == http.StatusNoContent
			assert.Len(t, h.p.Requests(), 1)
			_, scripted := h.p.scripts[scriptKey{regplatform.FlowIntention, "YX1"}]
			assert.Equal(t, changed && tt.path == "/admin/script", scripted)
			if tt.status != http.StatusOK && tt.status != http.StatusNoContent {
				assert.Contains(t, w.Body.String(), `"error"`)
			}
		})
	}
}

// TestAdminUnknownRoutesAnswerJSON checks that an unknown path and a wrong
// method are refused in JSON like every other refusal, with Allow naming
// the method a known path takes.
func TestAdminUnknownRoutesAnswerJSON(t *testing.T) {
	h := newHarness(t, Config{})
	tests := []struct {
		method, path string
		code         int
		allow        string
	}{
		{http.MethodGet, "/admin/nothing", http.StatusNotFound, ""},
		{http.MethodDelete, "/admin/requests", http.StatusMethodNotAllowed, "GET"},
		{http.MethodGet, "/admin/reset", http.StatusMethodNotAllowed, "POST"},
	}
	for _, tc := range tests {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			w := adminDo(t, h, tc.method, tc.path, "")
			assert.Equal(t, tc.code, w.Code)
			assert.True(t, strings.HasPrefix(w.Header().Get("Content-Type"), "application/json"))
			assert.Contains(t, w.Body.String(), `"error"`)
			assert.Equal(t, tc.allow, w.Header().Get("Allow"))
		})
	}
}
