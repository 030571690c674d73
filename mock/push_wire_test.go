package mock

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// withoutField removes one top-level member of a JSON request body.
func withoutField(t *testing.T, body []byte, name string) []byte {
	t.Helper()
	var m map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(body, &m))
	require.Contains(t, m, name)
	delete(m, name)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}

// TestPushRefusesMissingBoolean sends pushes without one of their required
// booleans. Decoded into Go the absence would read as false, so the platform
// refuses it with the other wire-form errors (1002), naming the field.
func TestPushRefusesMissingBoolean(t *testing.T) {
	notice := golden(t, "wire/requests/single-source-DY2026000101-r1.json")
	plan := golden(t, "wire/requests/plan-202611150021-r1.json")
	tests := []struct {
		path  string
		body  []byte
		field string
	}{
		{pathNotices, notice, "centralized"},
		{pathPlans, plan, "entrusted"},
		{pathPlans, plan, "centralized"},
	}
	for _, tt := range tests {
		t.Run(tt.path+" "+tt.field, func(t *testing.T) {
			h := newHarness(t, Config{})
			got := h.push(tt.path, withoutField(t, tt.body, tt.field))
			require.Equal(t, regplatform.CodeMalformedBody, got.env.Code, got.env.Message)
			assert.Equal(t, http.StatusBadRequest, got.status)

			var d regplatform.ValidationDetails
			require.NoError(t, json.Unmarshal(got.env.Data, &d))
			require.Len(t, d.Errors, 1)
			assert.Equal(t, tt.field, d.Errors[0].Field)
			assert.Empty(t, h.p.AcceptedCounts())
		})
	}
}

// TestPushRefusesMoneyWithLeadingZero sends an amount spelt with a leading
// zero: the value is right, the wire form is not (1002).
func TestPushRefusesMoneyWithLeadingZero(t *testing.T) {
	h := newHarness(t, Config{})
	body := intentionBody(t)
	require.Contains(t, string(body), `"1234567.00"`)
	bad := []byte(strings.Replace(string(body), `"1234567.00"`, `"01234567.00"`, 1))

	got := h.push(pathIntentions, bad)
	assert.Equal(t, regplatform.CodeMalformedBody, got.env.Code, got.env.Message)
	assert.Contains(t, string(got.env.Data), "budget_amount")
}
