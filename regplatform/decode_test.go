package regplatform_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestDecodeGoldenRoundTrip decodes every golden body and encodes it again
// to the same bytes.
func TestDecodeGoldenRoundTrip(t *testing.T) {
	for _, tc := range goldenCases() {
		t.Run(string(tc.flow)+"-"+tc.sourceID, func(t *testing.T) {
			body := goldenRequest(t, tc.flow, tc.sourceID)
			var err error
			var again []byte
			switch tc.flow {
			case regplatform.FlowIntention:
				var r regplatform.Intention
				require.NoError(t, regplatform.Decode(body, &r))
				assert.Equal(t, tc.request, &r)
				again, err = regplatform.Encode(&r)
			case regplatform.FlowSingleSource:
				var n regplatform.SingleSourceNotice
				require.NoError(t, regplatform.Decode(body, &n))
				assert.Equal(t, tc.request, &n)
				again, err = regplatform.Encode(&n)
			case regplatform.FlowPlan:
				var p regplatform.PlanFiling
				require.NoError(t, regplatform.Decode(body, &p))
				assert.Equal(t, tc.request, &p)
				again, err = regplatform.Encode(&p)
			}
			require.NoError(t, err)
			assert.Equal(t, string(body), string(again))
		})
	}
}

// withField returns the golden notice body with one top-level member added.
func withField(t *testing.T, member string) []byte {
	t.Helper()
	body := goldenRequest(t, regplatform.FlowSingleSource, "DY2026000101")
	return append([]byte(`{`+member+`,`), body[1:]...)
}

func TestDecodeRefusesShape(t *testing.T) {
	type want struct{ path, label, message string }
	tests := []struct {
		name string
		body string
		want []want
	}{
		{"money as number", `{"budget_amount":2600000}`,
			[]want{{"budget_amount", "预算金额(元)", "须为JSON字符串(两位小数的金额字符串"}}},
		{"money with one decimal", `{"budget_amount":"1.5"}`,
			[]want{{"budget_amount", "预算金额(元)", `实际"1.5"`}}},
		{"money with three decimals", `{"budget_amount":"1.005"}`,
			[]want{{"budget_amount", "预算金额(元)", "金额字符串"}}},
		{"quantity not shortest", `{"items":[{"quantity":"2.50"}]}`,
			[]want{{"items[0].quantity", "数量", `最简写法、至多4位小数的数量字符串, 如"2.5", 实际"2.50"`}}},
		{"quantity as number", `{"items":[{"quantity":2}]}`,
			[]want{{"items[0].quantity", "数量", "数量字符串"}}},
		{"string as number", `{"source_id":101}`,
			[]want{{"source_id", "校端单一来源项目唯一标识", "须为字符串, 实际为数字"}}},
		{"int as string", `{"revision":"1"}`,
			[]want{{"revision", "推送版本", "须为整数, 实际\"1\""}}},
		{"int with fraction", `{"publicity_days":5.5}`,
			[]want{{"publicity_days", "公示期(工作日)", "须为整数, 实际5.5"}}},
		{"bool as string", `{"centralized":"false"}`,
			[]want{{"centralized", "是否集中采购目录内品目", "须为布尔值true或false, 实际为字符串"}}},
		{"object as null", `{"supplier":null}`,
			[]want{{"supplier", "拟定供应商", "须为对象, 实际为null"}}},
		{"array as object", `{"items":{}}`,
			[]want{{"items", "采购内容清单", "须为数组, 实际为对象"}}},
		{"string as null", `{"content":null}`,
			[]want{{"content", "采购项目内容", "须为字符串, 实际为null"}}},
		{"unknown field", `{"budget":"1.00"}`,
			[]want{{"budget", "", "未知字段"}}},
		{"name in another case", `{"Source_ID":"DY1"}`,
			[]want{{"Source_ID", "", "未知字段"}}},
		{"nested unknown field", `{"supplier":{"phone":"1"}}`,
			[]want{{"supplier.phone", "", "未知字段"}}},
		{"repeated field", `{"content":"a","content":"b"}`,
			[]want{{"content", "采购项目内容", "字段重复出现"}}},
		{"reserved experts", `{"experts":[]}`,
			[]want{{"experts", "论证专家", "本版本不推送该字段"}}},
		{"reserved expert_opinions", `{"expert_opinions":""}`,
			[]want{{"expert_opinions", "专家论证意见", "本版本不推送该字段"}}},
		{"reserved reason", `{"reason":"独家"}`,
			[]want{{"reason", "申请理由", "本版本不推送该字段"}}},
		{"reserved other_matters", `{"other_matters":""}`,
			[]want{{"other_matters", "其他补充事宜", "本版本不推送该字段"}}},
		{"reserved item fields", `{"items":[{"name":"a"},{"tech_requirements":"x","usage":"y"}]}`,
			[]want{
				{"items[1].tech_requirements", "简要技术要求", "本版本不推送该字段"},
				{"items[1].usage", "用途", "本版本不推送该字段"},
			}},
		{"every fault at once", `{"source_id":1,"reason":"x","centralized":0,` +
			`"items":[{"amount":1.5}]}`,
			[]want{
				{"source_id", "校端单一来源项目唯一标识", "须为字符串"},
				{"reason", "申请理由", "本版本不推送该字段"},
				{"centralized", "是否集中采购目录内品目", "须为布尔值"},
				{"items[0].amount", "金额", "金额字符串"},
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			// A required boolean left out is a fault of its own.
			body := tc.body
			if !strings.Contains(body, `"centralized"`) {
				body = `{"centralized":true,` + body[1:]
			}
			var n regplatform.SingleSourceNotice
			fields := fieldErrors(t, regplatform.Decode([]byte(body), &n),
				"single_source_notice")
			require.Len(t, fields, len(tc.want), "%v", fields)
			for i, w := range tc.want {
				assert.Equal(t, w.path, fields[i].Field)
				assert.Equal(t, w.label, fields[i].Label)
				assert.Contains(t, fields[i].Message, w.message)
			}
		})
	}
}

func TestDecodeRefusesBody(t *testing.T) {
	tests := []struct {
		name    string
		body    []byte
		message string
	}{
		{"empty", nil, "不是有效的JSON"},
		{"not JSON", []byte("<html>502</html>"), "不是有效的JSON"},
		{"truncated", []byte(`{"source_id":"DY1"`), "不是有效的JSON"},
		{"two values", []byte(`{} {}`), "多余内容"},
		{"trailing garbage", []byte(`{}x`), "多余内容"},
		{"not UTF-8", []byte("{\"content\":\"\xff\"}"), "UTF-8"},
		{"top level array", []byte(`[]`), "须为对象, 实际为数组"},
		{"too large", bytes.Repeat([]byte(" "), regplatform.MaxBodyBytes+1), "不得超过8388608字节"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var r regplatform.Intention
			fields := fieldErrors(t, regplatform.Decode(tc.body, &r), "intention")
			require.Len(t, fields, 1)
			assert.Equal(t, "", fields[0].Field)
			assert.Contains(t, fields[0].Message, tc.message)
		})
	}
}

func TestDecodeReservedOnlyForNotices(t *testing.T) {
	var r regplatform.Intention
	fields := fieldErrors(t, regplatform.Decode([]byte(`{"reason":"x"}`), &r), "intention")
	require.Len(t, fields, 1)
	assert.Equal(t, "未知字段", fields[0].Message)
}

func TestDecodeLeavesTargetOnFailure(t *testing.T) {
	body := withField(t, `"usage":"教学"`)
	n := regplatform.SingleSourceNotice{SourceID: "kept"}

	fields := fieldErrors(t, regplatform.Decode(body, &n), "single_source_notice")
	assert.Equal(t, []string{"usage"}, paths(fields))
	assert.Equal(t, "kept", n.SourceID)
}

func TestDecodeAcceptsWhiteSpaceAndOrder(t *testing.T) {
	body := "\n{ \"title\" : \"意向\",\n  \"revision\": 2 }\n"
	var r regplatform.Intention
	require.NoError(t, regplatform.Decode([]byte(body), &r))
	assert.Equal(t, "意向", r.Title)
	assert.Equal(t, 2, r.Revision)

	var p regplatform.PlanFiling
	require.NoError(t, regplatform.Decode(
		[]byte(`{"agency":null,"entrusted":false,"centralized":false}`), &p))
	assert.Nil(t, p.Agency)
}

func TestDecodeNeedsPointer(t *testing.T) {
	var r regplatform.Intention
	err := regplatform.Decode([]byte(`{}`), r)
	require.Error(t, err)
	assert.NotErrorIs(t, err, regplatform.ErrValidation)
	assert.True(t, strings.Contains(err.Error(), "non-nil pointer"))
}

func TestDecodeRefusesIntentionShapes(t *testing.T) {
	tests := []struct {
		body, path, message string
	}{
		{`{"items":[{"planned_month":"2026-7"}]}`, "items[0].planned_month",
			`须为"YYYY-MM"格式的月份字符串, 实际"2026-7"`},
		{`{"items":[{"planned_month":202607}]}`, "items[0].planned_month", "月份字符串"},
		{`{"items":[{},{"budget_amount":"1.00","remark":7}]}`, "items[1].remark",
			"须为字符串, 实际为数字"},
		{`{"items":[{"item_id":"A1"}],"contact":"x"}`, "contact", "未知字段"},
		{`{"revision":true}`, "revision", "须为整数, 实际true"},
		{`{"revision":99999999999999999999}`, "revision", "须为整数"},
	}
	for _, tc := range tests {
		t.Run(tc.path, func(t *testing.T) {
			var r regplatform.Intention
			fields := fieldErrors(t, regplatform.Decode([]byte(tc.body), &r), "intention")
			require.Len(t, fields, 1, "%v", fields)
			assert.Equal(t, tc.path, fields[0].Field)
			assert.Contains(t, fields[0].Message, tc.message)
		})
	}
}
