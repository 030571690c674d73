package statemachine

import (
	"errors"
	"fmt"

	"github.com/shopspring/decimal"

	"github.com/zcbridge/zcbridge/regplatform"
)

// ErrNoBudgetLines reports a plan with no requirement line to tell which
// category class holds its budget.
var ErrNoBudgetLines = errors.New("statemachine: plan has no budget lines")

// BudgetLine is one requirement line of a plan as the plan rule sees it:
// its 品目 code and its amount.
type BudgetLine struct {
	CategoryCode string
	Amount       regplatform.Money
}

// PlanBudgetLines returns the lines of every package of p, in order.
func PlanBudgetLines(p *regplatform.PlanFiling) []BudgetLine {
	var lines []BudgetLine
	for _, pkg := range p.Packages {
		for _, it := range pkg.Items {
			lines = append(lines, BudgetLine{CategoryCode: it.CategoryCode, Amount: it.Amount})
		}
	}
	return lines
}

// DominantClasses returns the category classes holding the largest share of
// the lines' amounts: one class, or several when they tie, in the order A,
// B, C. It fails with ErrNoBudgetLines for no lines and with ErrCategoryCode
// for a line whose code has no class.
func DominantClasses(lines []BudgetLine) ([]string, error) {
	if len(lines) == 0 {
		return nil, ErrNoBudgetLines
	}
	shares := make(map[string]decimal.Decimal, 3)
	for i, l := range lines {
		class, err := CategoryClass(l.CategoryCode)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", i+1, err)
		}
		shares[class] = shares[class].Add(l.Amount.Decimal())
	}

	var top []string
	var max decimal.Decimal
	for _, class := range []string{ClassGoods, ClassWorks, ClassServices} {
		share, ok := shares[class]
		switch {
		case !ok:
		case len(top) == 0 || share.GreaterThan(max):
			top, max = []string{class}, share
		case share.Equal(max):
			top = append(top, class)
		}
	}
	return top, nil
}

// PlanReportable reports whether a plan must be filed with the platform:
// it contains catalogue items (centralized) and its budget reaches JC, or
// its budget reaches the limit of the class holding the largest share of
// its lines' amounts. When classes tie for the largest share, reaching the
// lowest of their limits is enough. Comparisons are inclusive. It fails as
// DominantClasses does, or with ErrThresholds when t is not configured or
// the budget is not set.
func (t Thresholds) PlanReportable(
	budget regplatform.Money, centralized bool, lines []BudgetLine,
) (bool, error) {
	d, err := t.planReportable(budget, centralized, lines)
	return d.report, err
}

func (t Thresholds) planReportable(
	budget regplatform.Money, centralized bool, lines []BudgetLine,
) (decision, error) {
	if err := t.usable(budget); err != nil {
		return decision{}, err
	}
	classes, err := DominantClasses(lines)
	if err != nil {
		return decision{}, err
	}

	class := classes[0]
	for _, c := range classes[1:] {
		if t.limits[c].LessThan(t.limits[class]) {
			class = c
		}
	}
	return t.decide(class, budget, centralized), nil
}
