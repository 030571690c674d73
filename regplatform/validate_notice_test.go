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

// sampleNotice returns a valid two-line notice, fresh on every call.
func sampleNotice() *regplatform.SingleSourceNotice {
	for _, n := range fixtures.Notices() {
		if n.SourceID == "DY2026000101" {
			return &n
		}
	}
	panic("fixture DY2026000101 missing")
}

func validateNotice(n *regplatform.SingleSourceNotice) error { return n.Validate() }

func TestNoticeFixturesValid(t *testing.T) {
	for _, n := range fixtures.Notices() {
		assert.NoError(t, n.Validate(), n.SourceID)
	}
}

func TestNoticeValidateFields(t *testing.T) {
	type R = regplatform.SingleSourceNotice
	money := regplatform.MustMoney
	cases := []fieldCase[R]{
		{"source_id", func(r *R) { r.SourceID = "DY 1" },
			"source_id", "校端单一来源项目唯一标识", "含不允许的字符' '"},
		{"revision", func(r *R) { r.Revision = 0 },
			"revision", "推送版本", "须为不小于1的整数"},
		{"org_code", func(r *R) { r.OrgCode = "" }, "org_code", "采购单位编码", "必填"},
		{"org_name", func(r *R) { r.OrgName = strings.Repeat("名", 101) },
			"org_name", "采购单位名称", "实际101"},
		{"project_code missing", func(r *R) { r.ProjectCode = "" },
			"project_code", "项目编号", "必填"},
		{"project_code too long", func(r *R) { r.ProjectCode = strings.Repeat("号", 51) },
			"project_code", "项目编号", "长度须为1–50个字符, 实际51"},
		{"project_code padded", func(r *R) { r.ProjectCode = "\tSDZC" },
			"project_code", "项目编号", "首尾不得有空白字符"},
		{"project_name", func(r *R) { r.ProjectName = strings.Repeat("项", 201) },
			"project_name", "项目名称", "实际201"},
		{"category_code", func(r *R) { r.CategoryCode = "A02-01" },
			"category_code", "采购品目编码", "须为A、B或C后接数字"},
		{"category_name", func(r *R) { r.CategoryName = "" },
			"category_name", "采购品目名称", "必填"},
		{"notice_title", func(r *R) { r.NoticeTitle = strings.Repeat("示", 201) },
			"notice_title", "公示标题", "实际201"},
		{"content too long", func(r *R) { r.Content = strings.Repeat("容", 2001) },
			"content", "采购项目内容", "长度须为1–2000个字符, 实际2001"},
		{"content missing", func(r *R) { r.Content = "" },
			"content", "采购项目内容", "必填"},
		{"supplier name", func(r *R) { r.Supplier.Name = "" },
			"supplier.name", "拟定供应商名称", "必填"},
		{"supplier credit_code check", func(r *R) { r.Supplier.CreditCode = "914403001922038217" },
			"supplier.credit_code", "供应商信用代码", "校验码不符: 第18位应为6, 实际7"},
		{"supplier credit_code missing", func(r *R) { r.Supplier.CreditCode = "" },
			"supplier.credit_code", "供应商信用代码", "必填"},
		{"supplier address", func(r *R) { r.Supplier.Address = strings.Repeat("址", 201) },
			"supplier.address", "供应商地址", "实际201"},
		{"no items", func(r *R) { r.Items = nil }, "items", "采购内容清单", "须有1–200项, 实际0项"},
		{"item name", func(r *R) { r.Items[1].Name = "" }, "items[1].name", "标的名称", "必填"},
		{"item unit", func(r *R) { r.Items[0].Unit = strings.Repeat("套", 21) },
			"items[0].unit", "单位", "实际21"},
		{"item quantity", func(r *R) { r.Items[0].Quantity = regplatform.Quantity{} },
			"items[0].quantity", "数量", "必填"},
		{"item unit_price", func(r *R) { r.Items[0].UnitPrice = regplatform.Money{} },
			"items[0].unit_price", "单价", "必填"},
		{"item amount not the product", func(r *R) {
			r.Items[1].UnitPrice = money("100000.00")
		}, "items[1].amount", "金额", "须等于unit_price × quantity四舍五入到0.01, 即100000.00, 实际200000.00"},
		{"budget not the sum", func(r *R) { r.BudgetAmount = money("2600000.01") },
			"budget_amount", "预算金额(元)", "须等于items[].amount之和2600000.00, 实际2600000.01"},
		{"budget missing", func(r *R) { r.BudgetAmount = regplatform.Money{} },
			"budget_amount", "预算金额(元)", "必填"},
		{"publicity_days low", func(r *R) { r.PublicityDays = 4 },
			"publicity_days", "公示期(工作日)", "须为5–30个工作日, 实际4"},
		{"publicity_days high", func(r *R) { r.PublicityDays = 31 },
			"publicity_days", "公示期(工作日)", "实际31"},
		{"contact name", func(r *R) { r.Contact.Name = strings.Repeat("王", 51) },
			"contact.name", "联系人", "长度须为1–50个字符, 实际51"},
		{"contact phone", func(r *R) { r.Contact.Phone = "" }, "contact.phone", "联系电话", "必填"},
		{"contact address", func(r *R) { r.Contact.Address = strings.Repeat("路", 201) },
			"contact.address", "联系地址", "实际201"},
	}
	runFieldCases(t, "single_source_notice", sampleNotice, validateNotice, cases)
}

func TestNoticeBoundaries(t *testing.T) {
	type R = regplatform.SingleSourceNotice
	tests := []struct {
		name   string
		mutate func(r *R)
	}{
		{"publicity 5 days", func(r *R) { r.PublicityDays = 5 }},
		{"publicity 30 days", func(r *R) { r.PublicityDays = 30 }},
		{"content 2000 characters", func(r *R) { r.Content = strings.Repeat("容", 2000) }},
		{"200 items", func(r *R) {
			r.Items = nil
			for i := range 200 {
				r.Items = append(r.Items, regplatform.NoticeItem{
					Name: fmt.Sprintf("标的%d", i), Quantity: regplatform.MustQuantity("1"),
					Unit: "套", UnitPrice: regplatform.MustMoney("13000.00"),
					Amount: regplatform.MustMoney("13000.00"),
				})
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := sampleNotice()
			tc.mutate(n)
			assert.NoError(t, n.Validate())
		})
	}

	n := sampleNotice()
	n.Items = append(n.Items, make([]regplatform.NoticeItem, 199)...)
	fields := fieldErrors(t, n.Validate(), "single_source_notice")
	assert.Equal(t, "须有1–200项, 实际201项", fieldAt(t, fields, "items").Message)
}

// TestNoticeAmountsExact checks amount = unit_price × quantity rounded
// half-up to 0.01 and the budget sum, on decimals.
func TestNoticeAmountsExact(t *testing.T) {
	tests := []struct {
		unitPrice, qty, amount string
		wantErr                bool
	}{
		{"66666.67", "12", "800000.04", false},
		{"66666.67", "12", "800000.00", true},
		{"126000.50", "2", "252001.00", false},
		{"0.01", "0.5", "0.01", false}, // 0.005 rounds half-up
		{"0.01", "0.4", "0.01", true},  // 0.004 rounds down to 0.00
		{"3.33", "0.3333", "1.11", false},
		{"10.00", "2.5", "25.00", false},
		{"999.99", "1.0001", "1000.09", false},
	}
	for _, tc := range tests {
		t.Run(tc.unitPrice+"×"+tc.qty, func(t *testing.T) {
			n := sampleNotice()
			amount := regplatform.MustMoney(tc.amount)
			n.Items = []regplatform.NoticeItem{{
				Name: "标的", Unit: "项", Quantity: regplatform.MustQuantity(tc.qty),
				UnitPrice: regplatform.MustMoney(tc.unitPrice), Amount: amount,
			}}
			n.BudgetAmount = amount

			err := n.Validate()
			if !tc.wantErr {
				assert.NoError(t, err)
				return
			}
			fields := fieldErrors(t, err, "single_source_notice")
			assert.Equal(t, []string{"items[0].amount"}, paths(fields))
		})
	}
}

func TestNoticeBudgetSkipsUnsetAmounts(t *testing.T) {
	n := sampleNotice()
	n.Items[0].Amount = regplatform.Money{}

	fields := fieldErrors(t, n.Validate(), "single_source_notice")
	require.Equal(t, []string{"items[0].amount"}, paths(fields))
	assert.Equal(t, "必填", fields[0].Message)
}
