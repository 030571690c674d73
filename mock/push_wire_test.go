package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"unicode/utf8"

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

// TestResendComparedAsValue resends the golden intention in other spellings
// of the same JSON value (duplicates), and in spellings that are refused
// before any comparison: every number of a request is an integer field, and
// 1.0 or 1e0 is not an integer literal.
func TestResendComparedAsValue(t *testing.T) {
	body := string(intentionBody(t))
	require.Contains(t, body, `"title":"`)
	tests := []struct {
		name string
		body string
		code string
		dup  bool
	}{
		{"white space and key order", " \n" + strings.Replace(
			reorder(t, body), ",", " ,\n", 3), regplatform.CodeOK, true},
		{"escaped characters", escapeFirstCJK(t, body), regplatform.CodeOK, true},
		{"revision 1.0", strings.Replace(body, `"revision":1`, `"revision":1.0`, 1),
			regplatform.CodeMalformedBody, false},
		{"revision 1e0", strings.Replace(body, `"revision":1`, `"revision":1e0`, 1),
			regplatform.CodeMalformedBody, false},
		{"one more space in a string", strings.Replace(body, `"title":"`, `"title":" `, 1),
			regplatform.CodeBodyMismatch, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, []byte(body)).env.Code)

			got := h.push(pathIntentions, []byte(tt.body))
			require.Equal(t, tt.code, got.env.Code, got.env.Message)
			if tt.code == regplatform.CodeOK {
				assert.Equal(t, tt.dup, data[regplatform.Receipt](t, got).Duplicate)
			}
			assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))
		})
	}
}

// reorder writes body's top-level members in reverse order.
func reorder(t *testing.T, body string) string {
	t.Helper()
	var m map[string]json.RawMessage
	dec := json.NewDecoder(strings.NewReader(body))
	require.NoError(t, dec.Decode(&m))
	// encoding/json writes map keys sorted, which differs from the
	// contract's field order of the golden body.
	out, err := json.Marshal(m)
	require.NoError(t, err)
	require.NotEqual(t, body, string(out))
	return string(out)
}

// escapeFirstCJK writes the first Chinese character of body as a \u escape.
func escapeFirstCJK(t *testing.T, body string) string {
	t.Helper()
	for i, r := range body {
		if r >= 0x4e00 && r <= 0x9fff {
			return body[:i] + fmt.Sprintf(`\u%04x`, r) + body[i+utf8.RuneLen(r):]
		}
	}
	t.Fatal("no Chinese character in the body")
	return ""
}

// TestBodySizeBoundary pushes a valid body padded to exactly 8 MiB, which is
// taken, and one byte more, which is refused before anything else (1002).
func TestBodySizeBoundary(t *testing.T) {
	body := intentionBody(t)
	pad := func(n int) []byte {
		return append(append([]byte(nil), body...),
			bytes.Repeat([]byte(" "), n-len(body))...)
	}

	h := newHarness(t, Config{})
	got := h.push(pathIntentions, pad(regplatform.MaxBodyBytes))
	assert.Equal(t, regplatform.CodeOK, got.env.Code, got.env.Message)

	got = h.push(pathIntentions, pad(regplatform.MaxBodyBytes+1))
	assert.Equal(t, regplatform.CodeMalformedBody, got.env.Code, got.env.Message)
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))
}
