package regplatform

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestDecodeNamesTheFieldOfAShapeError checks that each shape error of a
// body names the field by JSON path and says what the field must be: a JSON
// string where another JSON type was given, the written form that was
// expected, or that the member is unknown.
func TestDecodeNamesTheFieldOfAShapeError(t *testing.T) {
	tests := []struct {
		name, path, raw string
		// messages are parts the failure's message must hold.
		messages []string
	}{
		{"money as a number", "items[0].budget_amount", `4000000`,
			[]string{"须为JSON字符串", "两位小数的金额字符串", `实际为数字4000000`}},
		{"money as null", "items[0].budget_amount", `null`,
			[]string{"须为JSON字符串", "实际为null"}},
		{"money with one decimal", "items[0].budget_amount", `"4000000.5"`,
			[]string{"两位小数的金额字符串", `实际"4000000.5"`, `应写作"4000000.50"`}},
		{"quantity as a number", "items[0].quantity", `1`,
			[]string{"须为JSON字符串", "数量字符串", "实际为数字1"}},
		{"quantity not in shortest form", "items[0].quantity", `"1.0"`,
			[]string{"最简写法", `实际"1.0"`, `应写作"1"`}},
		{"quantity with a plus sign", "items[0].quantity", `"+1"`,
			[]string{"最简写法", `实际"+1"`}},
		{"month as a number", "items[0].planned_month", `202108`,
			[]string{"须为JSON字符串", `"YYYY-MM"`, "实际为数字202108"}},
		{"unknown top-level member", "foo", `1`, []string{"未知字段"}},
		{"unknown item member", "items[0].bar", `"x"`, []string{"未知字段"}},
	}
	golden := validIntentionBody(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := withField(t, golden, tt.path, tt.raw)
			var in Intention

			err := Decode(body, &in)

			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			require.Len(t, ve.Fields, 1, err.Error())
			assert.Equal(t, tt.path, ve.Fields[0].Field)
			for _, m := range tt.messages {
				assert.Contains(t, ve.Fields[0].Message, m)
			}
			assert.Contains(t, err.Error(), tt.path)
		})
	}
}

// TestPublishBodyNamesTheFieldOfAShapeError checks that the refusal of a
// body service carries the same named field as Decode.
func TestPublishBodyNamesTheFieldOfAShapeError(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	body := withField(t, validIntentionBody(t), "items[0].budget_amount", `4000000`)

	_, err := c.Intentions.PublishBody(context.Background(), body)

	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 1)
	assert.Equal(t, FieldError{
		Field: "items[0].budget_amount",
		Label: "预算金额(元)",
		Message: `须为JSON字符串(两位小数的金额字符串, 如"4000000.00"), ` +
			`实际为数字4000000`,
	}, ve.Fields[0])
	assert.Empty(t, fp.requests())
}
