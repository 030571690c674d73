package regplatform

import "strings"

var (
	chineseDigits = []rune("零壹贰叁肆伍陆柒捌玖")
	// chinesePlaces are the units inside a four-digit section: 元 (or the
	// section unit), 拾, 佰, 仟.
	chinesePlaces = []string{"", "拾", "佰", "仟"}
	// chineseSections are the units of the four-digit sections: 元, 万, 亿.
	chineseSections = []string{"元", "万", "亿"}
)

// Chinese returns the amount in words as the 大写(人民币) line of a form
// writes it under 会计基础工作规范, such as 柒仟伍佰陆拾元零叁角壹分 for
// 7560.31. Where the norm leaves a choice, it writes:
//   - 整 after 元 and after 角, none after 分: 壹拾元整, 伍角整, 壹元伍角陆分;
//   - one 零 for each run of zeros between two non-zero digits, also across
//     the 万 and 亿 sections and across 元 (壹亿零叁拾伍万零捌拾玖元整,
//     柒仟伍佰陆拾元零叁角壹分, 壹拾万零柒仟元整), and none for trailing zeros;
//   - no 零元 below one yuan: 伍分, 伍角整;
//   - 壹拾 with its 壹: 壹拾元整, not 拾元整.
//
// Zero is 零元整 and a negative amount is prefixed with 负. Chinese returns
// "" for an amount that is not set or whose magnitude is not below
// 1 000 000 000 000 元, the contract's range.
func (m Money) Chinese() string {
	if !m.set || !m.d.Abs().LessThan(maxMoney) {
		return ""
	}
	// Whole fen as a decimal string; below 10^14, so every digit is exact.
	fen := m.d.Abs().Shift(2).Round(0).String()
	if fen == "0" {
		return "零元整"
	}

	var b strings.Builder
	if m.d.IsNegative() {
		b.WriteString("负")
	}
	writeChineseDigits(&b, fen)
	if fen[len(fen)-1] == '0' {
		b.WriteString("整")
	}
	return b.String()
}

// writeChineseDigits writes fen, a whole number of 分 without leading
// zeros, digit by digit from the highest place. Position p counts places
// from 元 (p = 0); 角 is p = −1 and 分 is p = −2.
func writeChineseDigits(b *strings.Builder, fen string) {
	top := len(fen) - 3 // position of the first digit
	integer := len(fen) > 2
	wrote, zero := false, false
	sectionHasDigit := false

	for i := range len(fen) {
		p := top - i
		d := int(fen[i] - '0')
		if d == 0 {
			zero = wrote
		} else {
			if zero {
				b.WriteRune(chineseDigits[0])
				zero = false
			}
			b.WriteRune(chineseDigits[d])
			switch {
			case p == -1:
				b.WriteString("角")
			case p == -2:
				b.WriteString("分")
			default:
				b.WriteString(chinesePlaces[p%4])
			}
			wrote, sectionHasDigit = true, true
		}

		// The unit of a section follows its lowest digit when the section
		// holds a digit; 元 follows the integer part whenever it is not zero.
		if p >= 0 && p%4 == 0 {
			if p == 0 && integer || p > 0 && sectionHasDigit {
				b.WriteString(chineseSections[p/4])
			}
			sectionHasDigit = false
		}
	}
}
