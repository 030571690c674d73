package regplatform

import (
	"reflect"
	"strconv"
)

// Limits of 2.7.1 计划备案推送.
const (
	// MaxPlanFunds is the most funds (经费) of one plan.
	MaxPlanFunds = 20
	// MaxPlanPackages is the most packages (分包) of one plan.
	MaxPlanPackages = 50
	// MaxPackageItems is the most requirement lines of one package.
	MaxPackageItems = 500
	// MaxPackageNoLen is the longest package_no, in characters.
	MaxPackageNoLen = 10
)

var planType = reflect.TypeFor[PlanFiling]()

// Valid reports whether m is a code of the 采购方式 table of contract §4.1.
func (m ProcurementMethod) Valid() bool {
	switch m {
	case MethodOpenTender, MethodInvitedTender, MethodNegotiation, MethodConsultation,
		MethodInquiry, MethodSingleSource, MethodFrameworkContract, MethodOther:
		return true
	}
	return false
}

// Valid reports whether f is a code of the 组织形式 table of contract §4.1.
func (f OrganizationForm) Valid() bool {
	switch f {
	case FormGovernmentCentral, FormDepartmentCentral, FormDecentralized:
		return true
	}
	return false
}

// Validate checks every rule of the 2.7.1 field table and returns nil or a
// *ValidationError (Kind "plan_filing") listing each failing field by JSON
// path, such as "packages[1].items[0].amount", with its Chinese label. The
// sums are checked exactly on decimals: each item's amount is
// LineAmount(unit_price, quantity), each package's budget the sum of its
// items, and the plan's budget both the sum of its packages and the sum of
// its funds. agency is required when entrusted and refused otherwise.
func (p *PlanFiling) Validate() error {
	c := newChecker("plan_filing", planType)

	c.identifier("source_id", p.SourceID)
	c.revision("revision", p.Revision)
	c.code("org_code", p.OrgCode, 1, 32)
	c.text("org_name", p.OrgName, 1, 100)
	c.code("project_code", p.ProjectCode, 1, 50)
	c.text("project_name", p.ProjectName, 1, 200)
	switch {
	case p.ProcurementMethod == "":
		c.fail("procurement_method", "必填")
	case !p.ProcurementMethod.Valid():
		c.fail("procurement_method",
			"须为采购方式代码GKZB、YQZB、JZXTP、JZXCS、XJ、DYLY、KJXY、QT之一, 实际%q",
			p.ProcurementMethod)
	}
	switch {
	case p.OrganizationForm == "":
		c.fail("organization_form", "必填")
	case !p.OrganizationForm.Valid():
		c.fail("organization_form", "须为组织形式代码ZFJZCG、BMJZCG、FSCG之一, 实际%q",
			p.OrganizationForm)
	}
	p.checkAgency(c)
	c.text("handler", p.Handler, 1, 50)
	c.money("budget_amount", p.BudgetAmount)

	c.count("funds", len(p.Funds), 1, MaxPlanFunds)
	funds := make([]Money, len(p.Funds))
	for i, f := range p.Funds {
		fp := at("funds", i)
		c.text(fp+".name", f.Name, 1, 100)
		c.code(fp+".account", f.Account, 1, 50)
		c.money(fp+".amount", f.Amount)
		funds[i] = f.Amount
	}

	c.count("packages", len(p.Packages), 1, MaxPlanPackages)
	budgets := make([]Money, len(p.Packages))
	seen := make(map[string]string, len(p.Packages))
	for i := range p.Packages {
		pkgPath := at("packages", i)
		p.Packages[i].check(c, pkgPath)
		c.unique(seen, pkgPath+".package_no", p.Packages[i].PackageNo)
		budgets[i] = p.Packages[i].BudgetAmount
	}

	if len(p.Packages) > 0 {
		c.sum("budget_amount", p.BudgetAmount, "packages[].budget_amount", budgets)
	}
	if len(p.Funds) > 0 {
		c.sum("budget_amount", p.BudgetAmount, "funds[].amount", funds)
	}
	return c.err()
}

func (p *PlanFiling) checkAgency(c *checker) {
	switch {
	case p.Entrusted && p.Agency == nil:
		c.fail("agency", "委托代理机构(entrusted为true)时必填")
	case !p.Entrusted && p.Agency != nil:
		c.fail("agency", "未委托代理机构(entrusted为false)时不得填写")
	case p.Agency != nil:
		c.text("agency.name", p.Agency.Name, 1, 200)
		c.creditCode("agency.credit_code", p.Agency.CreditCode)
	}
}

func (pk *PlanPackage) check(c *checker, p string) {
	c.code(p+".package_no", pk.PackageNo, 1, MaxPackageNoLen)
	c.text(p+".name", pk.Name, 1, 200)
	c.money(p+".budget_amount", pk.BudgetAmount)

	c.count(p+".items", len(pk.Items), 1, MaxPackageItems)
	amounts := make([]Money, len(pk.Items))
	lines := make(map[string]string, len(pk.Items))
	for i := range pk.Items {
		ip := at(p+".items", i)
		pk.Items[i].check(c, ip)
		if n := pk.Items[i].LineNo; n >= 1 {
			c.unique(lines, ip+".line_no", strconv.Itoa(n))
		}
		amounts[i] = pk.Items[i].Amount
	}
	if len(pk.Items) > 0 {
		c.sum(p+".budget_amount", pk.BudgetAmount, "items[].amount", amounts)
	}
}

func (it *PlanItem) check(c *checker, p string) {
	if it.LineNo < 1 {
		c.fail(p+".line_no", "须为不小于1的整数, 实际%d", it.LineNo)
	}
	c.text(p+".name", it.Name, 1, 200)
	c.category(p+".category_code", it.CategoryCode)
	c.text(p+".category_name", it.CategoryName, 1, 100)
	c.text(p+".brand_model", it.BrandModel, 0, 200)
	c.money(p+".unit_price", it.UnitPrice)
	c.quantity(p+".quantity", it.Quantity)
	c.text(p+".unit", it.Unit, 1, 20)
	c.money(p+".amount", it.Amount)
	c.lineAmount(p+".amount", it.Amount, it.UnitPrice, it.Quantity)
}
