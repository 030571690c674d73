package regplatform

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMalformedBodyDetailsAreKept reads a 1002 answer whose data lists the
// offending fields, as the mock sends for an unknown or reserved field: the
// fields reach the APIError like those of a 1001.
func TestMalformedBodyDetailsAreKept(t *testing.T) {
	answer := canned{
		status: http.StatusBadRequest,
		header: http.Header{"Content-Type": {contentTypeJSON}},
		body: []byte(`{"code":"1002","message":"请求体格式错误","request_id":"r-1002",` +
			`"data":{"errors":[{"field":"experts","message":"本版本不推送该字段"},` +
			`{"field":"budget_amount","message":"须为两位小数的金额字符串"}]}}`),
	}
	fp := newFakePlatform(t, sequence(answer))
	c, _ := newTestClient(t, fp.srv.URL)

	_, err := c.SingleSource.PublishBody(context.Background(),
		goldenRequest(t, "single-source-DY2026000101-r1.json"))

	var ae *APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, CodeMalformedBody, ae.Code)
	assert.Equal(t, []FieldError{
		{Field: "experts", Message: "本版本不推送该字段"},
		{Field: "budget_amount", Label: "预算金额(元)", Message: "须为两位小数的金额字符串"},
	}, ae.Fields)
	assert.Contains(t, ae.Error(), "r-1002")
}
