package regplatform

import "reflect"

// Limits of 2.6.2 单一来源公示推送.
const (
	// MaxNoticeItems is the most lines a notice's 采购内容清单 holds.
	MaxNoticeItems = 200
	// MinPublicityDays and MaxPublicityDays bound publicity_days, in
	// working days.
	MinPublicityDays = 5
	MaxPublicityDays = 30
)

var noticeType = reflect.TypeFor[SingleSourceNotice]()

// Validate checks every rule of the 2.6.2 field table and returns nil or a
// *ValidationError (Kind "single_source_notice") listing each failing field
// by JSON path, such as "supplier.credit_code", with its Chinese label. Each
// item's amount must equal LineAmount(unit_price, quantity), and
// budget_amount the sum of the items' amounts, exactly on decimals.
func (n *SingleSourceNotice) Validate() error {
	c := newChecker("single_source_notice", noticeType)

	c.identifier("source_id", n.SourceID)
	c.revision("revision", n.Revision)
	c.code("org_code", n.OrgCode, 1, 32)
	c.text("org_name", n.OrgName, 1, 100)
	c.code("project_code", n.ProjectCode, 1, 50)
	c.text("project_name", n.ProjectName, 1, 200)
	c.category("category_code", n.CategoryCode)
	c.text("category_name", n.CategoryName, 1, 100)
	c.money("budget_amount", n.BudgetAmount)
	c.text("notice_title", n.NoticeTitle, 1, 200)
	c.text("content", n.Content, 1, 2000)

	c.text("supplier.name", n.Supplier.Name, 1, 200)
	c.creditCode("supplier.credit_code", n.Supplier.CreditCode)
	c.text("supplier.address", n.Supplier.Address, 1, 200)

	c.count("items", len(n.Items), 1, MaxNoticeItems)
	amounts := make([]Money, len(n.Items))
	for i := range n.Items {
		n.Items[i].check(c, at("items", i))
		amounts[i] = n.Items[i].Amount
	}
	if len(n.Items) > 0 {
		c.sum("budget_amount", n.BudgetAmount, "items[].amount", amounts)
	}

	if n.PublicityDays < MinPublicityDays || n.PublicityDays > MaxPublicityDays {
		c.fail("publicity_days", "须为%d–%d个工作日, 实际%d",
			MinPublicityDays, MaxPublicityDays, n.PublicityDays)
	}
	c.text("contact.name", n.Contact.Name, 1, 50)
	c.text("contact.phone", n.Contact.Phone, 1, 30)
	c.text("contact.address", n.Contact.Address, 1, 200)

	return c.err()
}

func (it *NoticeItem) check(c *checker, p string) {
	c.text(p+".name", it.Name, 1, 200)
	c.quantity(p+".quantity", it.Quantity)
	c.text(p+".unit", it.Unit, 1, 20)
	c.money(p+".unit_price", it.UnitPrice)
	c.money(p+".amount", it.Amount)
	c.lineAmount(p+".amount", it.Amount, it.UnitPrice, it.Quantity)
}
