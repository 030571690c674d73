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

// samplePlan returns the valid entrusted three-package plan, fresh on every
// call.
func samplePlan() *regplatform.PlanFiling {
	for _, p := range fixtures.Plans() {
		if p.SourceID == "202611150021" {
			return &p
		}
	}
	panic("fixture 202611150021 missing")
}

func validatePlan(p *regplatform.PlanFiling) error { return p.Validate() }

func TestPlanFixturesValid(t *testing.T) {
	for _, p := range fixtures.Plans() {
		assert.NoError(t, p.Validate(), p.SourceID)
	}
}

func TestPlanValidateFields(t *testing.T) {
	type R = regplatform.PlanFiling
	money := regplatform.MustMoney
	cases := []fieldCase[R]{
		{"source_id", func(r *R) { r.SourceID = "" }, "source_id", "校端追踪号", "必填"},
		{"revision", func(r *R) { r.Revision = 0 }, "revision", "推送版本", "不小于1"},
		{"org_code", func(r *R) { r.OrgCode = strings.Repeat("1", 33) },
			"org_code", "采购单位编码", "实际33"},
		{"org_name", func(r *R) { r.OrgName = "" }, "org_name", "采购单位名称", "必填"},
		{"project_code", func(r *R) { r.ProjectCode = strings.Repeat("号", 51) },
			"project_code", "项目编号", "长度须为1–50个字符, 实际51"},
		{"project_name", func(r *R) { r.ProjectName = "" }, "project_name", "项目名称", "必填"},
		{"procurement_method unknown", func(r *R) { r.ProcurementMethod = "ZB" },
			"procurement_method", "采购方式", `实际"ZB"`},
		{"procurement_method lower case", func(r *R) { r.ProcurementMethod = "gkzb" },
			"procurement_method", "采购方式", "须为采购方式代码"},
		{"procurement_method missing", func(r *R) { r.ProcurementMethod = "" },
			"procurement_method", "采购方式", "必填"},
		{"organization_form unknown", func(r *R) { r.OrganizationForm = "JZCG" },
			"organization_form", "组织形式", "须为组织形式代码ZFJZCG、BMJZCG、FSCG之一"},
		{"organization_form missing", func(r *R) { r.OrganizationForm = "" },
			"organization_form", "组织形式", "必填"},
		{"entrusted without agency", func(r *R) { r.Agency = nil },
			"agency", "代理机构", "委托代理机构(entrusted为true)时必填"},
		{"agency without entrusted", func(r *R) { r.Entrusted = false },
			"agency", "代理机构", "未委托代理机构(entrusted为false)时不得填写"},
		{"agency name", func(r *R) { r.Agency.Name = strings.Repeat("代", 201) },
			"agency.name", "代理机构名称", "长度须为1–200个字符, 实际201"},
		{"agency credit_code", func(r *R) { r.Agency.CreditCode = "91110000600037341M" },
			"agency.credit_code", "代理机构信用代码", "第18位应为L, 实际M"},
		{"handler", func(r *R) { r.Handler = strings.Repeat("张", 51) },
			"handler", "经办人", "实际51"},
		{"no funds", func(r *R) { r.Funds = nil }, "funds", "经费", "须有1–20项, 实际0项"},
		{"fund name", func(r *R) { r.Funds[0].Name = strings.Repeat("经", 101) },
			"funds[0].name", "经费名称", "长度须为1–100个字符, 实际101"},
		{"fund account", func(r *R) { r.Funds[1].Account = "" },
			"funds[1].account", "经费账号", "必填"},
		{"fund account too long", func(r *R) { r.Funds[1].Account = strings.Repeat("1", 51) },
			"funds[1].account", "经费账号", "实际51"},
		{"fund amount missing", func(r *R) { r.Funds[1].Amount = regplatform.Money{} },
			"funds[1].amount", "经费金额", "必填"},
		{"funds do not add up", func(r *R) { r.Funds[1].Amount = money("1588000.39") },
			"budget_amount", "预算总额", "须等于funds[].amount之和3970000.99, 实际3970001.00"},
		{"no packages", func(r *R) { r.Packages = nil }, "packages", "分包", "须有1–50项, 实际0项"},
		{"package_no missing", func(r *R) { r.Packages[1].PackageNo = "" },
			"packages[1].package_no", "包号", "必填"},
		{"package_no too long", func(r *R) { r.Packages[1].PackageNo = strings.Repeat("9", 11) },
			"packages[1].package_no", "包号", "长度须为1–10个字符, 实际11"},
		{"package_no repeated", func(r *R) { r.Packages[2].PackageNo = "1" },
			"packages[2].package_no", "包号", "须在请求内唯一, 与packages[0].package_no重复"},
		{"package name", func(r *R) { r.Packages[0].Name = "" }, "packages[0].name", "包名称", "必填"},
		{"package without items", func(r *R) {
			r.Packages[1].Items = nil
			r.Packages[1].BudgetAmount = money("680000.00")
		}, "packages[1].items", "采购明细", "须有1–500项, 实际0项"},
		{"line_no zero", func(r *R) { r.Packages[0].Items[1].LineNo = 0 },
			"packages[0].items[1].line_no", "明细行号", "须为不小于1的整数, 实际0"},
		{"line_no repeated in package", func(r *R) { r.Packages[2].Items[1].LineNo = 1 },
			"packages[2].items[1].line_no", "明细行号", "须在请求内唯一, 与packages[2].items[0].line_no重复"},
		{"item name", func(r *R) { r.Packages[0].Items[0].Name = strings.Repeat("物", 201) },
			"packages[0].items[0].name", "物资名称", "实际201"},
		{"item category_code", func(r *R) { r.Packages[0].Items[0].CategoryCode = "X01" },
			"packages[0].items[0].category_code", "品目编码", "须为A、B或C后接数字"},
		{"item category_name", func(r *R) { r.Packages[0].Items[0].CategoryName = "" },
			"packages[0].items[0].category_name", "品目名称", "必填"},
		{"item brand_model", func(r *R) {
			r.Packages[0].Items[0].BrandModel = strings.Repeat("型", 201)
		},
			"packages[0].items[0].brand_model", "品牌/型号", "长度不得超过200个字符, 实际201"},
		{"item unit", func(r *R) { r.Packages[0].Items[0].Unit = "" },
			"packages[0].items[0].unit", "单位", "必填"},
		{"item quantity zero", func(r *R) {
			r.Packages[0].Items[0].Quantity = regplatform.MustQuantity("0")
		},
			"packages[0].items[0].quantity", "数量", "须大于0"},
		{"item unit_price range", func(r *R) { r.Packages[0].Items[0].UnitPrice = money("0") },
			"packages[0].items[0].unit_price", "预算单价", "须大于0"},
		{"package budget missing", func(r *R) { r.Packages[0].BudgetAmount = regplatform.Money{} },
			"packages[0].budget_amount", "包预算", "必填"},
		{"budget missing", func(r *R) { r.BudgetAmount = regplatform.Money{} },
			"budget_amount", "预算总额", "必填"},
	}
	runFieldCases(t, "plan_filing", samplePlan, validatePlan, cases)
}

// TestPlanSums checks every sum of 2.7.1 on decimals, with the amounts
// 126000.50 × 2 and 66666.67 × 12.
func TestPlanSums(t *testing.T) {
	money, qty := regplatform.MustMoney, regplatform.MustQuantity
	build := func(budget, fund, pkg, amount1, amount2 string) *regplatform.PlanFiling {
		p := samplePlan()
		p.BudgetAmount = money(budget)
		p.Funds = []regplatform.Fund{{Name: "经费", Account: "A-1", Amount: money(fund)}}
		p.Packages = []regplatform.PlanPackage{{
			PackageNo: "1", Name: "包一", BudgetAmount: money(pkg),
			Items: []regplatform.PlanItem{
				{LineNo: 1, Name: "固相萃取仪", CategoryCode: "A02100699", CategoryName: "配件",
					UnitPrice: money("126000.50"), Quantity: qty("2"), Unit: "台",
					Amount: money(amount1)},
				{LineNo: 2, Name: "维保", CategoryCode: "C1599", CategoryName: "维保",
					UnitPrice: money("66666.67"), Quantity: qty("12"), Unit: "月",
					Amount: money(amount2)},
			},
		}}
		return p
	}
	tests := []struct {
		name                             string
		budget, fund, pkg, amount1, amt2 string
		want                             []string
	}{
		{"all add up", "1052001.04", "1052001.04", "1052001.04", "252001.00", "800000.04", nil},
		{"line rounded wrong", "1052001.00", "1052001.00", "1052001.00", "252001.00", "800000.00",
			[]string{"packages[0].items[1].amount"}},
		{"package off by a fen", "1052001.04", "1052001.04", "1052001.05", "252001.00", "800000.04",
			[]string{"packages[0].budget_amount", "budget_amount"}},
		{"funds off by a fen", "1052001.04", "1052001.03", "1052001.04", "252001.00", "800000.04",
			[]string{"budget_amount"}},
		{"plan budget off", "1052001.05", "1052001.04", "1052001.04", "252001.00", "800000.04",
			[]string{"budget_amount", "budget_amount"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := build(tc.budget, tc.fund, tc.pkg, tc.amount1, tc.amt2).Validate()
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, paths(fieldErrors(t, err, "plan_filing")))
		})
	}
}

func TestPlanCounts(t *testing.T) {
	item := regplatform.PlanItem{
		Name: "物资", CategoryCode: "A02", CategoryName: "设备",
		UnitPrice: regplatform.MustMoney("1.00"), Quantity: regplatform.MustQuantity("1"),
		Unit: "个", Amount: regplatform.MustMoney("1.00"),
	}
	build := func(packages, items, funds int) *regplatform.PlanFiling {
		p := samplePlan()
		p.Packages = nil
		for i := range packages {
			pk := regplatform.PlanPackage{PackageNo: fmt.Sprint(i + 1), Name: "包",
				BudgetAmount: regplatform.MustMoney(fmt.Sprint(items))}
			for j := range items {
				it := item
				it.LineNo = j + 1
				pk.Items = append(pk.Items, it)
			}
			p.Packages = append(p.Packages, pk)
		}
		total := regplatform.MustMoney(fmt.Sprint(packages * items))
		p.BudgetAmount = total
		p.Funds = []regplatform.Fund{{Name: "经费", Account: "A", Amount: total}}
		for range funds - 1 {
			p.Funds[0].Amount = p.Funds[0].Amount.Add(regplatform.MustMoney("-0.01"))
			p.Funds = append(p.Funds, regplatform.Fund{Name: "经费", Account: "B",
				Amount: regplatform.MustMoney("0.01")})
		}
		return p
	}
	tests := []struct {
		name                   string
		packages, items, funds int
		want                   []string
	}{
		{"smallest", 1, 1, 1, nil},
		{"largest", 50, 500, 20, nil},
		{"51 packages", 51, 1, 1, []string{"packages"}},
		{"501 items", 1, 501, 1, []string{"packages[0].items"}},
		{"21 funds", 1, 5, 21, []string{"funds"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := build(tc.packages, tc.items, tc.funds).Validate()
			if tc.want == nil {
				assert.NoError(t, err)
				return
			}
			assert.Equal(t, tc.want, paths(fieldErrors(t, err, "plan_filing")))
		})
	}
}

func TestPlanLineNoUniquePerPackage(t *testing.T) {
	p := samplePlan()
	require.Equal(t, 1, p.Packages[0].Items[0].LineNo)
	require.Equal(t, 1, p.Packages[1].Items[0].LineNo)
	assert.NoError(t, p.Validate(), "line_no 1 may repeat across packages")
}

func TestProcurementCodesValid(t *testing.T) {
	for _, m := range []regplatform.ProcurementMethod{"GKZB", "YQZB", "JZXTP", "JZXCS",
		"XJ", "DYLY", "KJXY", "QT"} {
		assert.True(t, m.Valid(), m)
	}
	for _, f := range []regplatform.OrganizationForm{"ZFJZCG", "BMJZCG", "FSCG"} {
		assert.True(t, f.Valid(), f)
	}
	assert.False(t, regplatform.ProcurementMethod("GKZB ").Valid())
	assert.False(t, regplatform.OrganizationForm("fscg").Valid())
}
