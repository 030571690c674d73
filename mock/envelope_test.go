package mock

import (
	"encoding/json"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestEveryCodeHasItsStatus writes each code of the §3 table and checks the
// HTTP status, the content type and the envelope, against the table copied
// here by hand.
func TestEveryCodeHasItsStatus(t *testing.T) {
	table := map[string]int{
		"0000": 200, "1001": 400, "1002": 400, "2001": 401, "2002": 401, "2003": 401,
		"2004": 401, "2005": 403, "3001": 409, "3002": 409, "3003": 404, "4290": 429,
		"5000": 500, "5030": 503,
	}
	require.Len(t, httpStatus, len(table), "the platform knows exactly the table's codes")
	for code, status := range table {
		t.Run(code, func(t *testing.T) {
			w := httptest.NewRecorder()
			e := newError(code, "m")
			if code == regplatform.CodeRateLimited || code == regplatform.CodeMaintenance {
				e.retryAfter = 1500 * time.Millisecond
			}
			assert.Equal(t, status, writeError(w, "rid", e))
			assert.Equal(t, status, w.Code)
			assert.Equal(t, "application/json; charset=utf-8", w.Header().Get("Content-Type"))

			var env regplatform.Envelope
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &env))
			assert.Equal(t, code, env.Code)
			assert.Equal(t, "rid", env.RequestID)
			if e.retryAfter > 0 {
				assert.Equal(t, "2", w.Header().Get("Retry-After"), "whole seconds, rounded up")
			}
		})
	}
}
