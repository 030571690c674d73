package poll

import (
	"cmp"
	"slices"

	"github.com/zcbridge/zcbridge/regplatform"
)

// LinePair is one requirement line of an executing package matched, by
// package_no and line_no, to the line the plan was filed with.
type LinePair struct {
	PackageNo string
	LineNo    int
	// Filed is the line as filed; nil when no filed plan was given.
	Filed *regplatform.PlanItem
	// Executed is the line as the platform reports it.
	Executed regplatform.ProjectItem
}

// MismatchKind says how a requirement line disagrees with the filed plan.
type MismatchKind string

// Mismatch kinds.
const (
	// MismatchNotFiled: the platform lists a line (or a whole package) the
	// filed plan does not hold.
	MismatchNotFiled MismatchKind = "not_filed"
	// MismatchNotExecuted: a filed line (or a whole package) is missing
	// from the platform's project.
	MismatchNotExecuted MismatchKind = "not_executed"
	// MismatchDiffers: both sides hold the line but Fields differ.
	MismatchDiffers MismatchKind = "differs"
)

// LineMismatch is one disagreement between the filed plan and the project.
type LineMismatch struct {
	Kind      MismatchKind
	PackageNo string
	LineNo    int
	// Fields names the differing wire fields for MismatchDiffers:
	// category_code, quantity, unit_price, amount.
	Fields []string
	// Filed and Executed are the two sides; one is nil unless the kind is
	// MismatchDiffers.
	Filed    *regplatform.PlanItem
	Executed *regplatform.ProjectItem
}

// MatchLines pairs each requirement line of project with the line of filed
// that has the same package_no and line_no, in the project's order, and
// lists every line found on one side only, or found on both with a
// different category, quantity, unit price or amount (the pair is then
// returned too). With a nil filed every line is returned unpaired and no
// mismatch is reported; with a nil project nothing is returned.
func MatchLines(
	filed *regplatform.PlanFiling, project *regplatform.Project,
) ([]LinePair, []LineMismatch) {
	if project == nil {
		return nil, nil
	}

	type key struct {
		pkg  string
		line int
	}
	filedLines := map[key]*regplatform.PlanItem{}
	var filedOrder []key
	if filed != nil {
		for pi := range filed.Packages {
			p := &filed.Packages[pi]
			for ii := range p.Items {
				k := key{p.PackageNo, p.Items[ii].LineNo}
				filedLines[k] = &p.Items[ii]
				filedOrder = append(filedOrder, k)
			}
		}
	}

	var pairs []LinePair
	var mismatches []LineMismatch
	matched := map[key]bool{}
	for _, p := range project.Packages {
		for ii := range p.Items {
			item := p.Items[ii]
			k := key{p.PackageNo, item.LineNo}
			pair := LinePair{PackageNo: p.PackageNo, LineNo: item.LineNo, Executed: item}
			pairs = append(pairs, pair)
			if filed == nil {
				continue
			}

			f, ok := filedLines[k]
			if !ok {
				mismatches = append(mismatches, LineMismatch{Kind: MismatchNotFiled,
					PackageNo: p.PackageNo, LineNo: item.LineNo, Executed: &item})
				continue
			}
			matched[k] = true
			pairs[len(pairs)-1].Filed = f
			if fields := differingFields(f, &item); len(fields) > 0 {
				mismatches = append(mismatches, LineMismatch{Kind: MismatchDiffers,
					PackageNo: p.PackageNo, LineNo: item.LineNo, Fields: fields,
					Filed: f, Executed: &item})
			}
		}
	}

	for _, k := range filedOrder {
		if !matched[k] {
			mismatches = append(mismatches, LineMismatch{Kind: MismatchNotExecuted,
				PackageNo: k.pkg, LineNo: k.line, Filed: filedLines[k]})
		}
	}
	slices.SortStableFunc(mismatches, func(a, b LineMismatch) int {
		return cmp.Or(cmp.Compare(a.PackageNo, b.PackageNo), cmp.Compare(a.LineNo, b.LineNo))
	})
	return pairs, mismatches
}

func differingFields(f *regplatform.PlanItem, e *regplatform.ProjectItem) []string {
	var fields []string
	if f.CategoryCode != e.CategoryCode {
		fields = append(fields, "category_code")
	}
	if f.Quantity.IsSet() != e.Quantity.IsSet() ||
		!f.Quantity.Decimal().Equal(e.Quantity.Decimal()) {
		fields = append(fields, "quantity")
	}
	if !f.UnitPrice.Equal(e.UnitPrice) {
		fields = append(fields, "unit_price")
	}
	if !f.Amount.Equal(e.Amount) {
		fields = append(fields, "amount")
	}
	return fields
}

// BuildResultsUpdate groups what was read of one plan by package: each
// package of project with its status, reason, requirement lines (matched to
// p.Filed by MatchLines), the announcements naming it, its bids and its
// awards. Announcements naming no package of the project stay on the
// update; bids or awards naming a package the project does not list get a
// PackageResult marked Unlisted, so that nothing read is dropped. Final and
// Terminated follow the project's status.
func BuildResultsUpdate(
	p ExecutingPlan, project *regplatform.Project,
	announcements []regplatform.Announcement, bids []regplatform.Bid,
	awards []regplatform.Award,
) ResultsUpdate {
	u := ResultsUpdate{
		SourceID:     p.SourceID,
		PlanID:       p.PlanID,
		ProjectCode:  project.ProjectCode,
		ProjectName:  project.ProjectName,
		BusinessType: project.BusinessType,
		Status:       project.Status,
		UpdatedAt:    project.UpdatedAt,
		Final:        project.Status.Done(),
		Terminated:   project.Status == regplatform.ProjectTerminated,
	}

	index := map[string]int{}
	for _, pk := range project.Packages {
		index[pk.PackageNo] = len(u.Packages)
		u.Packages = append(u.Packages, PackageResult{
			PackageNo:    pk.PackageNo,
			Name:         pk.Name,
			BudgetAmount: pk.BudgetAmount,
			Status:       pk.Status,
			Reason:       pk.StatusReason,
			ClosedAt:     pk.ClosedAt,
		})
	}
	pkg := func(no string) *PackageResult {
		i, ok := index[no]
		if !ok {
			i = len(u.Packages)
			index[no] = i
			u.Packages = append(u.Packages, PackageResult{PackageNo: no, Unlisted: true})
		}
		return &u.Packages[i]
	}

	pairs, mismatches := MatchLines(p.Filed, project)
	for _, lp := range pairs {
		r := pkg(lp.PackageNo)
		r.Lines = append(r.Lines, lp)
	}
	u.Mismatches = mismatches

	for _, a := range announcements {
		named := false
		for _, no := range a.PackageNos {
			if i, ok := index[no]; ok && !u.Packages[i].Unlisted {
				u.Packages[i].Announcements = append(u.Packages[i].Announcements, a)
				named = true
			}
		}
		if !named {
			u.Announcements = append(u.Announcements, a)
		}
	}
	for _, b := range bids {
		r := pkg(b.PackageNo)
		r.Bids = append(r.Bids, b)
	}
	for _, a := range awards {
		r := pkg(a.PackageNo)
		r.Awards = append(r.Awards, a)
	}
	return u
}
