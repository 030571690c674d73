package regplatform_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

func TestCheckCreditCode(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		wantErr string
	}{
		{"public code, digit check", "914403001922038216", ""},
		{"public code, letter check", "9144030071526726XG", ""},
		{"public code 91110000600037341L", "91110000600037341L", ""},
		{"public code 91110108551385082Q", "91110108551385082Q", ""},
		{"public code 91440300708461136T", "91440300708461136T", ""},
		{"letter in position 1", "Y1440300192203821G", ""},
		{"check char changed", "914403001922038217", "校验码不符: 第18位应为6, 实际7"},
		{"letter check changed", "9144030071526726XH", "第18位应为G, 实际H"},
		{"body digit changed", "914403001922038316", "校验码不符"},
		{"two digits swapped", "914403001922038126", "校验码不符"},
		{"letter I", "9144030071526726XI", "第18位含不允许的字符'I'"},
		{"letter O", "91440300O922038216", "第9位含不允许的字符'O'"},
		{"letter S", "S14403001922038216", "第1位含不允许的字符'S'"},
		{"letter V", "9V4403001922038216", "第2位含不允许的字符'V'"},
		{"letter Z", "9144030019220382Z6", "第17位含不允许的字符'Z'"},
		{"lower case", "9144030071526726xG", "第17位'x'须为大写字母"},
		{"lower-case check", "9144030071526726Xg", "第18位'g'须为大写字母"},
		{"letter in division code", "9144A3001922038216", "第5位须为数字(第3–8位为行政区划码)"},
		{"too short", "91440300192203821", "须为18个字符, 实际17"},
		{"too long", "9144030019220382166", "须为18个字符, 实际19"},
		{"empty", "", "必填"},
		{"leading space", " 914403001922038216", "首尾不得有空白字符"},
		{"trailing space", "914403001922038216 ", "首尾不得有空白字符"},
		{"full-width digit", "９14403001922038216", "第1位含不允许的字符'９'"},
		{"punctuation", "91440300-922038216", "第9位含不允许的字符'-'"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := regplatform.CheckCreditCode(tc.code)
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, regplatform.ErrInvalidCreditCode)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

// TestCheckCreditCodeEveryCheckChar changes the check character of a valid
// code to each other character of the set: exactly one is accepted.
func TestCheckCreditCodeEveryCheckChar(t *testing.T) {
	const body = "91440300192203821"
	const charset = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	var accepted []string
	for _, r := range charset {
		code := body + string(r)
		if regplatform.CheckCreditCode(code) == nil {
			accepted = append(accepted, code)
		}
	}
	assert.Equal(t, []string{"914403001922038216"}, accepted)
}
