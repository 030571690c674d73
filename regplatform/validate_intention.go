package regplatform

import "reflect"

// Limits of 2.5.1 意向发布.
const (
	// MaxIntentionItems is the most items one intention announcement holds.
	MaxIntentionItems = 100
	// MaxIntentionTextLen is the longest content, function_goal and
	// requirements of an item, in characters.
	MaxIntentionTextLen = 2000
)

var intentionType = reflect.TypeFor[Intention]()

// Validate checks every rule of the 2.5.1 field table and returns nil or a
// *ValidationError (Kind "intention") listing each failing field by JSON
// path, such as "items[0].budget_amount", with its Chinese label. Lengths are
// counted in characters; item_id must be unique within the announcement.
func (r *Intention) Validate() error {
	c := newChecker("intention", intentionType)

	c.identifier("source_id", r.SourceID)
	c.revision("revision", r.Revision)
	c.code("org_code", r.OrgCode, 1, 32)
	c.text("org_name", r.OrgName, 1, 100)
	c.text("title", r.Title, 1, 200)
	c.count("items", len(r.Items), 1, MaxIntentionItems)
	seen := make(map[string]string, len(r.Items))
	for i := range r.Items {
		r.Items[i].check(c, at("items", i), seen)
	}
	c.text("contact_name", r.ContactName, 0, 50)
	c.text("contact_phone", r.ContactPhone, 0, 30)

	return c.err()
}

func (it *IntentionItem) check(c *checker, p string, seen map[string]string) {
	c.identifier(p+".item_id", it.ItemID)
	c.unique(seen, p+".item_id", it.ItemID)
	c.text(p+".project_name", it.ProjectName, 1, 200)
	c.category(p+".category_code", it.CategoryCode)
	c.text(p+".category_name", it.CategoryName, 1, 100)
	c.money(p+".budget_amount", it.BudgetAmount)
	c.month(p+".planned_month", it.PlannedMonth)
	c.quantity(p+".quantity", it.Quantity)
	c.text(p+".unit", it.Unit, 1, 20)
	c.text(p+".content", it.Content, 1, MaxIntentionTextLen)
	c.text(p+".function_goal", it.FunctionGoal, 1, MaxIntentionTextLen)
	c.text(p+".requirements", it.Requirements, 1, MaxIntentionTextLen)
	c.text(p+".remark", it.Remark, 0, 1000)
}
