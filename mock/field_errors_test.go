package mock

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestFieldErrorWire checks the exact bytes of refusals that list fields:
// each data.errors entry is the field's JSON path and the rule it breaks,
// without the field's Chinese label, which the client adds from its own
// types. A reserved single-source field, which no client type knows, names
// itself in the message once.
func TestFieldErrorWire(t *testing.T) {
	notice := golden(t, "wire/requests/single-source-DY2026000101-r1.json")
	tests := []struct {
		name   string
		path   string
		body   []byte
		code   string
		errors string
	}{
		{"required title", pathIntentions, withField(t, intentionBody(t), "title", ""),
			regplatform.CodeInvalidParams, `[{"field":"title","message":"必填"}]`},
		{"reserved field", pathNotices, withField(t, notice, "experts", "x"),
			regplatform.CodeMalformedBody, `[{"field":"experts",` +
				`"message":"论证专家本期不推送(字段名为后续版本保留), 请勿发送"}]`},
		{"body not UTF-8", pathNotices, []byte("\xff"),
			regplatform.CodeMalformedBody, `[{"field":"","message":"请求体须为UTF-8编码"}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			got := h.push(tt.path, tt.body)
			require.NotEmpty(t, got.env.RequestID)
			message := map[string]string{
				regplatform.CodeInvalidParams: "参数校验失败",
				regplatform.CodeMalformedBody: "请求体格式错误",
			}[tt.code]
			want := `{"code":"` + tt.code + `","message":"` + message +
				`","request_id":"` + got.env.RequestID + `","data":{"errors":` +
				tt.errors + `}}`
			assert.Equal(t, want, string(got.raw))
			assert.Equal(t, http.StatusBadRequest, got.status)
		})
	}
}

// TestFieldErrorThroughClient shows a refusal through the SDK's client,
// which checks bodies before sending: a transport in front of the
// platform swaps the valid body sent for a signed one the platform
// refuses, as a school system that skipped the checks would send. The
// error the client shows names each field's label once.
func TestFieldErrorThroughClient(t *testing.T) {
	notice := golden(t, "wire/requests/single-source-DY2026000101-r1.json")
	tests := []struct {
		name, path string
		body       []byte
		want       string
	}{
		{"required title", pathIntentions, withField(t, intentionBody(t), "title", ""),
			": title (公告主题): 必填"},
		{"reserved field", pathNotices, withField(t, notice, "experts", "x"),
			": experts: 论证专家本期不推送(字段名为后续版本保留), 请勿发送"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			swap := roundTripper(func(*http.Request) (*http.Response, error) {
				w := httptest.NewRecorder()
				h.p.ServeHTTP(w, h.request(http.MethodPost, tt.path, nil, tt.body))
				return w.Result(), nil
			})
			c, err := regplatform.NewClient(regplatform.WithBaseURL("http://mock.test"),
				regplatform.WithCredentials(testKey, testSecret),
				regplatform.WithTransport(swap))
			require.NoError(t, err)

			if tt.path == pathNotices {
				_, err = c.SingleSource.PublishBody(context.Background(), notice)
			} else {
				_, err = c.Intentions.PublishBody(context.Background(), intentionBody(t))
			}
			var api *regplatform.APIError
			require.ErrorAs(t, err, &api)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), "公告主题: 公告主题")
			assert.NotContains(t, err.Error(), "论证专家: 论证专家")
		})
	}
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// TestReservedFieldsNamed sends each reserved single-source field: the
// platform refuses it (1002) with a message that names it, once.
func TestReservedFieldsNamed(t *testing.T) {
	notice := golden(t, "wire/requests/single-source-DY2026000101-r1.json")
	tests := []struct {
		name, path, label string
	}{
		{"experts", "experts", "论证专家"},
		{"expert_opinions", "expert_opinions", "专家论证意见"},
		{"reason", "reason", "申请理由"},
		{"other_matters", "other_matters", "其他补充事宜"},
		{"tech_requirements", "items[0].tech_requirements", "简要技术要求"},
		{"usage", "items[0].usage", "用途"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := withField(t, notice, tt.name, "x")
			if tt.path != tt.name {
				body = withItemField(t, notice, tt.name, "x")
			}
			h := newHarness(t, Config{})
			got := h.push(pathNotices, body)
			require.Equal(t, regplatform.CodeMalformedBody, got.env.Code, got.env.Message)
			var d regplatform.ValidationDetails
			require.NoError(t, json.Unmarshal(got.env.Data, &d))
			require.Len(t, d.Errors, 1)
			assert.Equal(t, tt.path, d.Errors[0].Field)
			assert.Equal(t, tt.label+"本期不推送(字段名为后续版本保留), 请勿发送",
				d.Errors[0].Message)
		})
	}
}

// withItemField sets one member of the first item of a JSON request body.
func withItemField(t *testing.T, body []byte, name string, v any) []byte {
	t.Helper()
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	items, ok := m["items"].([]any)
	require.True(t, ok)
	require.NotEmpty(t, items)
	items[0].(map[string]any)[name] = v
	out, err := json.Marshal(m)
	require.NoError(t, err)
	return out
}
