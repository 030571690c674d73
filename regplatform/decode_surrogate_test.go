package regplatform_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestDecodeRefusesLoneSurrogates covers \u escapes of UTF-16 surrogates
// that are not half of a pair. encoding/json reads them as U+FFFD, so the
// platform would receive other text than the school wrote.
func TestDecodeRefusesLoneSurrogates(t *testing.T) {
	golden := goldenRequest(t, regplatform.FlowIntention, "YX2021080013")
	title := []byte(`"title":"`)
	require.Contains(t, string(golden), string(title))

	tests := []struct {
		name   string
		insert string
		refuse bool
	}{
		{"lone high", `\ud800`, true},
		{"lone low", `\udc00`, true},
		{"high then text", `\ud83dx`, true},
		{"high then high", `\ud83d\ud83d`, true},
		{"high at the end", `x\uD83D`, true},
		{"a pair", `\ud83d\ude00`, false},
		{"an escaped backslash before u", `\\ud800`, false},
		{"a plain escape", `\u00e9`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := bytes.Replace(golden, title, []byte(`"title":"`+tc.insert), 1)
			var r regplatform.Intention
			err := regplatform.Decode(body, &r)
			if !tc.refuse {
				assert.NoError(t, err)
				return
			}
			fields := fieldErrors(t, err, "intention")
			require.Len(t, fields, 1)
			assert.Contains(t, fields[0].Message, "代理项")
		})
	}
}

// TestWholeBodyErrorReadsWithoutAPath checks the text of an error about the
// body as a whole, which has no JSON path.
func TestWholeBodyErrorReadsWithoutAPath(t *testing.T) {
	f := regplatform.FieldError{Label: "请求体", Message: "请求体为空"}
	assert.Equal(t, "请求体: 请求体为空", f.String())
	f = regplatform.FieldError{Message: "请求体为空"}
	assert.Equal(t, "请求体为空", f.String())
	f = regplatform.FieldError{Field: "title", Label: "公告主题", Message: "必填"}
	assert.Equal(t, "title (公告主题): 必填", f.String())
}
