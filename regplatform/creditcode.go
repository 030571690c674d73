package regplatform

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidCreditCode reports a 统一社会信用代码 that fails the GB 32100-2015
// check of contract §4.
var ErrInvalidCreditCode = errors.New("regplatform: invalid credit code")

// creditCodeCharset holds the 31 characters of GB 32100-2015 in value order:
// the digits, then the upper-case letters without I, O, S, V and Z.
const creditCodeCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// creditCodeLen is the length of a 统一社会信用代码, in characters.
const creditCodeLen = 18

// CheckCreditCode checks a 统一社会信用代码 as contract §4 describes
// GB 32100-2015: 18 upper-case characters from 0-9 and A-Y without I, O, S,
// V and Z; positions 3 to 8 (the administrative-division code) digits; and
// position 18 the check character, the one whose value is
// (31 − Σ value(i) × 3^(i−1) mod 31) mod 31 over positions 1 to 17. It
// returns nil or an error wrapping ErrInvalidCreditCode that names the part
// of the rule that fails.
func CheckCreditCode(code string) error {
	if msg := creditCodeProblem(code); msg != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalidCreditCode, code, msg)
	}
	return nil
}

// creditCodeProblem returns the broken part of the credit-code rule, or "".
func creditCodeProblem(code string) string {
	if code == "" {
		return "必填"
	}
	if hasOuterSpace(code) {
		return "首尾不得有空白字符"
	}
	if n := utf8.RuneCountInString(code); n != creditCodeLen {
		return fmt.Sprintf("统一社会信用代码须为%d个字符, 实际%d", creditCodeLen, n)
	}

	sum, weight := 0, 1
	for i, r := range code {
		pos := i + 1 // every valid character is one byte
		if unicode.IsLower(r) {
			return fmt.Sprintf("第%d位%q须为大写字母", pos, r)
		}
		v := strings.IndexRune(creditCodeCharset, r)
		if v < 0 {
			return fmt.Sprintf("第%d位含不允许的字符%q(不用I、O、S、V、Z)", pos, r)
		}
		if pos >= 3 && pos <= 8 && v > 9 {
			return fmt.Sprintf("第%d位须为数字(第3–8位为行政区划码)", pos)
		}
		if pos < creditCodeLen {
			sum += v * weight
			weight = weight * 3 % 31
		}
	}

	want := creditCodeCharset[(31-sum%31)%31]
	if got := code[creditCodeLen-1]; got != want {
		return fmt.Sprintf("校验码不符: 第18位应为%c, 实际%c", want, got)
	}
	return ""
}
