package regplatform_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/regplatform"
)

// sampleIntention returns a valid two-item intention, fresh on every call.
func sampleIntention() *regplatform.Intention {
	for _, r := range fixtures.Intentions() {
		if r.SourceID == "YX2022040022" {
			return &r
		}
	}
	panic("fixture YX2022040022 missing")
}

func validateIntention(r *regplatform.Intention) error { return r.Validate() }

func TestIntentionFixturesValid(t *testing.T) {
	for _, r := range fixtures.Intentions() {
		assert.NoError(t, r.Validate(), r.SourceID)
	}
}

func TestIntentionValidateFields(t *testing.T) {
	type R = regplatform.Intention
	cases := []fieldCase[R]{
		{"source_id missing", func(r *R) { r.SourceID = "" },
			"source_id", "校端意向公开唯一标识", "必填"},
		{"source_id bad char", func(r *R) { r.SourceID = "YX/1" },
			"source_id", "校端意向公开唯一标识", "含不允许的字符'/'"},
		{"source_id too long", func(r *R) { r.SourceID = strings.Repeat("Y", 65) },
			"source_id", "校端意向公开唯一标识", "长度须为1–64个字符, 实际65"},
		{"revision zero", func(r *R) { r.Revision = 0 },
			"revision", "推送版本", "须为不小于1的整数, 实际0"},
		{"revision negative", func(r *R) { r.Revision = -3 },
			"revision", "推送版本", "实际-3"},
		{"org_code missing", func(r *R) { r.OrgCode = "" },
			"org_code", "采购单位编码", "必填"},
		{"org_code too long", func(r *R) { r.OrgCode = strings.Repeat("编", 33) },
			"org_code", "采购单位编码", "长度须为1–32个字符, 实际33"},
		{"org_code padded", func(r *R) { r.OrgCode = "330000 " },
			"org_code", "采购单位编码", "首尾不得有空白字符"},
		{"org_name too long", func(r *R) { r.OrgName = strings.Repeat("大", 101) },
			"org_name", "采购单位名称", "长度须为1–100个字符, 实际101"},
		{"title blank", func(r *R) { r.Title = "   " },
			"title", "公告主题", "不能只含空白字符"},
		{"title too long", func(r *R) { r.Title = strings.Repeat("题", 201) },
			"title", "公告主题", "实际201"},
		{"title not UTF-8", func(r *R) { r.Title = "\xff采购" },
			"title", "公告主题", "UTF-8"},
		{"no items", func(r *R) { r.Items = nil },
			"items", "意向明细", "须有1–100项, 实际0项"},
		{"item_id missing", func(r *R) { r.Items[1].ItemID = "" },
			"items[1].item_id", "校端项目追踪号", "必填"},
		{"item_id repeated", func(r *R) { r.Items[1].ItemID = r.Items[0].ItemID },
			"items[1].item_id", "校端项目追踪号", "须在请求内唯一, 与items[0].item_id重复"},
		{"project_name too long", func(r *R) { r.Items[0].ProjectName = strings.Repeat("项", 201) },
			"items[0].project_name", "项目名称", "实际201"},
		{"category_code missing", func(r *R) { r.Items[0].CategoryCode = "" },
			"items[0].category_code", "采购品目编码", "必填"},
		{"category_code class", func(r *R) { r.Items[0].CategoryCode = "D0101" },
			"items[0].category_code", "采购品目编码", "须为A、B或C后接数字"},
		{"category_code lower case", func(r *R) { r.Items[0].CategoryCode = "a02" },
			"items[0].category_code", "采购品目编码", "须为A、B或C后接数字"},
		{"category_code letter only", func(r *R) { r.Items[0].CategoryCode = "A" },
			"items[0].category_code", "采购品目编码", "须为A、B或C后接数字"},
		{"category_code padded", func(r *R) { r.Items[0].CategoryCode = " A02" },
			"items[0].category_code", "采购品目编码", "首尾不得有空白字符"},
		{"category_name too long", func(r *R) {
			r.Items[0].CategoryName = strings.Repeat("品", 101)
		},
			"items[0].category_name", "采购品目名称", "长度须为1–100个字符, 实际101"},
		{"budget missing", func(r *R) { r.Items[0].BudgetAmount = regplatform.Money{} },
			"items[0].budget_amount", "预算金额(元)", "必填"},
		{"budget zero", func(r *R) { r.Items[0].BudgetAmount = regplatform.MustMoney("0") },
			"items[0].budget_amount", "预算金额(元)", "须大于0且小于1000000000000元, 实际0.00"},
		{"budget negative", func(r *R) { r.Items[0].BudgetAmount = regplatform.MustMoney("-1") },
			"items[0].budget_amount", "预算金额(元)", "实际-1.00"},
		{"budget too large", func(r *R) {
			r.Items[0].BudgetAmount = regplatform.MustMoney("1000000000000")
		}, "items[0].budget_amount", "预算金额(元)", "实际1000000000000.00"},
		{"planned_month missing", func(r *R) { r.Items[1].PlannedMonth = regplatform.Month{} },
			"items[1].planned_month", "预计采购时间", "必填"},
		{"quantity missing", func(r *R) { r.Items[0].Quantity = regplatform.Quantity{} },
			"items[0].quantity", "采购数量", "必填"},
		{"quantity zero", func(r *R) { r.Items[0].Quantity = regplatform.MustQuantity("0") },
			"items[0].quantity", "采购数量", "须大于0, 实际0"},
		{"quantity negative", func(r *R) { r.Items[0].Quantity = regplatform.MustQuantity("-2") },
			"items[0].quantity", "采购数量", "须大于0, 实际-2"},
		{"unit missing", func(r *R) { r.Items[0].Unit = "" },
			"items[0].unit", "计量单位", "必填"},
		{"unit too long", func(r *R) { r.Items[0].Unit = strings.Repeat("台", 21) },
			"items[0].unit", "计量单位", "长度须为1–20个字符, 实际21"},
		{"content missing", func(r *R) { r.Items[0].Content = "" },
			"items[0].content", "采购内容", "必填"},
		{"function_goal too long", func(r *R) {
			r.Items[1].FunctionGoal = strings.Repeat("能", 2001)
		}, "items[1].function_goal", "主要功能或目标", "长度须为1–2000个字符, 实际2001"},
		{"requirements missing", func(r *R) { r.Items[1].Requirements = "" },
			"items[1].requirements", "需满足的需求", "必填"},
		{"remark too long", func(r *R) { r.Items[0].Remark = strings.Repeat("注", 1001) },
			"items[0].remark", "备注", "长度不得超过1000个字符, 实际1001"},
		{"contact_name too long", func(r *R) { r.ContactName = strings.Repeat("王", 51) },
			"contact_name", "联系人", "长度不得超过50个字符, 实际51"},
		{"contact_phone too long", func(r *R) { r.ContactPhone = strings.Repeat("1", 31) },
			"contact_phone", "联系电话", "长度不得超过30个字符, 实际31"},
	}
	runFieldCases(t, "intention", sampleIntention, validateIntention, cases)
}

// TestIntentionTextLengthInCharacters checks the 2000-character limit on
// Chinese text, which is 6000 bytes of UTF-8.
func TestIntentionTextLengthInCharacters(t *testing.T) {
	tests := []struct {
		chars   int
		wantErr bool
	}{{1, false}, {1999, false}, {2000, false}, {2001, true}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.chars), func(t *testing.T) {
			r := sampleIntention()
			r.Items[0].Content = strings.Repeat("采", tc.chars)
			r.Items[0].FunctionGoal = strings.Repeat("购", min(tc.chars, 2000))
			r.Items[0].Requirements = strings.Repeat("需", min(tc.chars, 2000))
			require.Equal(t, 3*tc.chars, len(r.Items[0].Content))

			err := r.Validate()
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			fields := fieldErrors(t, err, "intention")
			require.Equal(t, []string{"items[0].content"}, paths(fields))
			assert.Equal(t, "长度须为1–2000个字符, 实际2001", fields[0].Message)
		})
	}
}

func TestIntentionItemCount(t *testing.T) {
	tests := []struct {
		n       int
		wantErr bool
	}{{1, false}, {100, false}, {101, true}}
	for _, tc := range tests {
		t.Run(fmt.Sprint(tc.n), func(t *testing.T) {
			r := sampleIntention()
			proto := r.Items[0]
			r.Items = nil
			for i := range tc.n {
				it := proto
				it.ItemID = fmt.Sprintf("ITEM-%03d", i)
				r.Items = append(r.Items, it)
			}

			err := r.Validate()
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			fields := fieldErrors(t, err, "intention")
			assert.Equal(t, []string{"items"}, paths(fields))
			assert.Contains(t, fields[0].Message, "实际101项")
		})
	}
}

// TestIntentionCollectsEveryField checks that one error lists every broken
// field, not only the first.
func TestIntentionCollectsEveryField(t *testing.T) {
	r := sampleIntention()
	r.SourceID = "bad id"
	r.Items[0].BudgetAmount = regplatform.Money{}
	r.Items[1].Content = strings.Repeat("字", 2001)
	r.Items[1].ItemID = r.Items[0].ItemID
	r.ContactPhone = strings.Repeat("9", 31)

	fields := fieldErrors(t, r.Validate(), "intention")
	assert.Equal(t, []string{
		"source_id",
		"items[0].budget_amount",
		"items[1].item_id",
		"items[1].content",
		"contact_phone",
	}, paths(fields))
	assert.Equal(t, "预算金额(元)", fieldAt(t, fields, "items[0].budget_amount").Label)
}
