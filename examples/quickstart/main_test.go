package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuickstart runs the whole demo and checks its final table: every
// intention 已公开 (the refused one at revision 2), the notices at or above
// the limit published and the one below it kept on campus, every plan's
// results recorded, and both receivers reached.
func TestQuickstart(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	var out bytes.Buffer
	require.NoError(t, run(ctx, &out), out.String())
	got := out.String()

	for _, row := range []string{
		`intention +YX2021020023 +2 +已公开 +https://`,
		`intention +YX2021080013 +1 +已公开 +https://`,
		`intention +YX2022040022 +1 +已公开 +https://`,
		`intention +YX2022060001 +1 +已公开 +https://`,
		`single_source +DY2026000101 +1 +单一来源公示发布中 +https://`,
		`single_source +DY2026000102 +2 +单一来源公示发布中 +https://`,
		`single_source +DY2026000103 +1 +校内单一来源公示`,
		`single_source +DY2026000104 +1 +单一来源公示发布中 +https://`,
		`plan +202002270009 +2 +采购结果已录入`,
		`plan +202611150021 +1 +采购结果已录入`,
		`plan +202611200005 +1 +采购结果已录入`,
		`包2 +光谱类设备 +ABANDONED +680000.00 +有效供应商不足三家`,
		`MALL\) 电子卖场: COMPLETED`,
		`order DD`,
		`数据格式有误`, `公示内容不完整`, `采购方式与品目不符`,
		`校端门户 received 7 publications`,
		`云采通 received 7 publications`,
	} {
		assert.Regexp(t, regexp.MustCompile(row), got)
	}
	assert.Less(t, time.Until(mustDeadline(t, ctx)), deadline, "sanity")
}

func mustDeadline(t *testing.T, ctx context.Context) time.Time {
	d, ok := ctx.Deadline()
	require.True(t, ok)
	return d
}
