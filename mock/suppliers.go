package mock

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strings"
)

// creditCharset is the character set of GB 32100-2015; a character's value
// is its index.
const creditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// supplier returns a generated supplier for bidder k of package no of a
// plan: a name and a 统一社会信用代码 whose check character is right, the
// same for the same inputs.
func supplier(planID, no string, k int) (name, creditCode string) {
	sum := sha256.Sum256([]byte(fmt.Sprintf("%s/%s/%d", planID, no, k)))
	serial := binary.BigEndian.Uint64(sum[:8]) % 1_000_000_000

	// 91 = enterprise; 330100 = an administrative division; then a
	// nine-character organisation code.
	base := fmt.Sprintf("91330100%09d", serial)
	names := []string{"华信", "中科", "博远", "新锐", "瑞丰", "天成", "海川", "恒通"}
	name = fmt.Sprintf("%s%s科技有限公司", names[sum[8]%byte(len(names))],
		names[sum[9]%byte(len(names))])
	return name, base + string(creditCheck(base))
}

// creditCheck returns the check character of the first 17 characters of a
// 统一社会信用代码: weights 3^(i-1) mod 31, value (31 - sum mod 31) mod 31.
func creditCheck(first17 string) byte {
	sum, w := 0, 1
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditCharset, first17[i]) * w
		w = w * 3 % 31
	}
	return creditCharset[(31-sum%31)%31]
}
