package mock

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/shopspring/decimal"

	"github.com/zcbridge/zcbridge/regplatform"
)

// planExec is the execution of one filed plan on the platform (2.8.x).
type planExec struct {
	app     string
	script  Execution
	project regplatform.Project
	// order holds the indexes of project.Packages in package_no order.
	order []int

	announcements []regplatform.Announcement
	bids          []regplatform.Bid
	awards        []regplatform.Award

	steps          []step
	next           int
	readsSinceStep int
	lastStepAt     time.Time
}

type stepKind int

const (
	stepTender stepKind = iota
	stepCorrection
	stepClose
	stepTerminate
)

// step is one change of the execution; pkg indexes project.Packages.
type step struct {
	kind stepKind
	pkg  int
}

// newPlanExecLocked starts the execution of the filed revision rv: EXECUTING,
// every package IN_PROGRESS as filed, and the steps its script asks for.
func (p *Platform) newPlanExecLocked(rv *revision, now time.Time) *planExec {
	f := rv.plan
	script := Execution{}
	if s := p.scripts[scriptKey{regplatform.FlowPlan, rv.sourceID}].Execution; s != nil {
		script = *s
	}
	if script.BusinessType == "" {
		script.BusinessType = regplatform.BusinessETrade
	}

	ex := &planExec{app: rv.app, script: script, lastStepAt: now}
	ex.project = regplatform.Project{
		PlanID: rv.planID, ProjectCode: f.ProjectCode, ProjectName: f.ProjectName,
		BusinessType: script.BusinessType, ProcurementMethod: f.ProcurementMethod,
		Status: regplatform.ProjectExecuting, UpdatedAt: regplatform.NewTime(rv.decidedAt),
	}
	for i, pkg := range f.Packages {
		pp := regplatform.ProjectPackage{
			PackageNo: pkg.PackageNo, Name: pkg.Name, BudgetAmount: pkg.BudgetAmount,
			Status: regplatform.PackageInProgress, Items: []regplatform.ProjectItem{},
		}
		for _, it := range pkg.Items {
			pp.Items = append(pp.Items, regplatform.ProjectItem{
				LineNo: it.LineNo, Name: it.Name, CategoryCode: it.CategoryCode,
				Quantity: it.Quantity, Unit: it.Unit, UnitPrice: it.UnitPrice,
				Amount: it.Amount, Spec: it.BrandModel,
			})
		}
		ex.project.Packages = append(ex.project.Packages, pp)
		ex.order = append(ex.order, i)
	}
	sort.SliceStable(ex.order, func(a, b int) bool {
		return packageLess(f.Packages[ex.order[a]].PackageNo, f.Packages[ex.order[b]].PackageNo)
	})

	ex.steps = planSteps(ex)
	return ex
}

// packageLess orders package numbers: numerically when both are whole
// numbers ("2" before "10"), else in byte order.
func packageLess(a, b string) bool {
	x, errA := strconv.Atoi(a)
	y, errB := strconv.Atoi(b)
	if errA == nil && errB == nil && x != y {
		return x < y
	}
	return a < b
}

// planSteps lists the steps of an execution in the order they happen.
func planSteps(ex *planExec) []step {
	var steps []step
	if ex.script.BusinessType == regplatform.BusinessETrade {
		steps = append(steps, step{kind: stepTender})
	}
	for n, i := range ex.order {
		if ex.script.Terminate != "" && n == ex.script.TerminateAfter {
			return append(steps, step{kind: stepTerminate})
		}
		if ex.outcome(i).Correction {
			steps = append(steps, step{kind: stepCorrection, pkg: i})
		}
		steps = append(steps, step{kind: stepClose, pkg: i})
	}
	return steps
}

// outcome is the scripted or default close of package i.
func (ex *planExec) outcome(i int) PackageOutcome {
	pkg := ex.project.Packages[i]
	o := ex.script.Packages[pkg.PackageNo]
	if o.Status == "" {
		o.Status = regplatform.PackageAwarded
	}
	if o.Reason == "" && o.Status == regplatform.PackageAbandoned {
		o.Reason = "有效供应商不足三家"
	}
	if o.Reason == "" && o.Status == regplatform.PackageFailed {
		o.Reason = "无供应商响应"
	}
	if !o.Amount.IsSet() {
		o.Amount = pkg.BudgetAmount
	}
	if o.Bidders == 0 {
		switch o.Status {
		case regplatform.PackageAwarded:
			o.Bidders = 3
		case regplatform.PackageAbandoned:
			o.Bidders = 2
		}
	}
	if o.Supplier == "" {
		o.Supplier, o.CreditCode = supplier(ex.project.PlanID, pkg.PackageNo, 0)
	}
	return o
}

// advanceLocked moves the execution by the steps that are due: one per
// StepAfter of clock time, and one per project read when reads drive it.
func (p *Platform) advanceLocked(ex *planExec, now time.Time, projectRead bool) {
	if every := p.cfg.StepAfter; every > 0 {
		for ex.next < len(ex.steps) && now.Sub(ex.lastStepAt) >= every {
			ex.lastStepAt = ex.lastStepAt.Add(every)
			p.applyLocked(ex, now)
		}
	}
	if !projectRead || (p.cfg.StepAfter > 0 && p.cfg.StepAfterReads == 0) {
		return
	}
	if ex.readsSinceStep >= p.cfg.StepAfterReads && ex.next < len(ex.steps) {
		ex.readsSinceStep = 0
		p.applyLocked(ex, now)
		return
	}
	ex.readsSinceStep++
}

// applyLocked applies the next step. Every step moves updated_at forward by
// at least one second, so a reader always sees that something changed.
func (p *Platform) applyLocked(ex *planExec, now time.Time) {
	st := ex.steps[ex.next]
	ex.next++

	at := now.Truncate(time.Second)
	if prev := ex.project.UpdatedAt.Time; !at.After(prev) {
		at = prev.Add(time.Second)
	}
	ex.project.UpdatedAt = regplatform.NewTime(at)

	switch st.kind {
	case stepTender:
		ex.announce(p, regplatform.AnnouncementTender, "采购公告", ex.allPackageNos(), at)
	case stepCorrection:
		no := ex.project.Packages[st.pkg].PackageNo
		ex.announce(p, regplatform.AnnouncementCorrection, "更正公告", []string{no}, at)
	case stepClose:
		ex.closePackage(p, st.pkg, at)
	case stepTerminate:
		ex.terminate(p, at)
		return
	}
	if ex.allClosed() {
		ex.project.Status = regplatform.ProjectCompleted
	}
}

func (ex *planExec) allPackageNos() []string {
	nos := make([]string, 0, len(ex.order))
	for _, i := range ex.order {
		nos = append(nos, ex.project.Packages[i].PackageNo)
	}
	return nos
}

func (ex *planExec) allClosed() bool {
	for _, pkg := range ex.project.Packages {
		if pkg.Status == regplatform.PackageInProgress {
			return false
		}
	}
	return true
}

func (ex *planExec) announce(p *Platform, kind regplatform.AnnouncementType, title string,
	nos []string, at time.Time) {
	n := len(ex.announcements) + 1
	ex.announcements = append(ex.announcements, regplatform.Announcement{
		AnnouncementID: fmt.Sprintf("GG-%s-%03d", ex.project.PlanID, n),
		Type:           kind,
		Title:          ex.project.ProjectName + title,
		PackageNos:     nos,
		PublishedAt:    regplatform.NewTime(at),
		URL:            fmt.Sprintf("%s/notice/gg/%s/%d", p.cfg.PublicURL, ex.project.PlanID, n),
	})
}

// closePackage receives the bids of package i and closes it as scripted.
func (ex *planExec) closePackage(p *Platform, i int, at time.Time) {
	pkg := &ex.project.Packages[i]
	o := ex.outcome(i)
	mall := ex.script.BusinessType == regplatform.BusinessMall

	if !mall {
		ex.addBids(pkg.PackageNo, o, at)
	}
	pkg.Status, pkg.ClosedAt = o.Status, regplatform.NewTime(at)
	if o.Status != regplatform.PackageAwarded {
		pkg.StatusReason = o.Reason
		ex.announce(p, regplatform.AnnouncementOther, "废标(流标)公告",
			[]string{pkg.PackageNo}, at)
		return
	}

	n := len(ex.awards) + 1
	award := regplatform.Award{
		AwardID:      fmt.Sprintf("CJ-%s-%03d", ex.project.PlanID, n),
		PackageNo:    pkg.PackageNo,
		SupplierName: o.Supplier,
		CreditCode:   o.CreditCode,
		AwardAmount:  o.Amount,
		AwardedAt:    regplatform.NewTime(at),
		NoticeURL:    fmt.Sprintf("%s/notice/cj/%s/%d", p.cfg.PublicURL, ex.project.PlanID, n),
	}
	if mall {
		award.OrderNo = fmt.Sprintf("DD%s%06d", at.In(regplatform.CST).Format("20060102"),
			p.nextSeqLocked("order"))
	}
	ex.awards = append(ex.awards, award)
	ex.announce(p, regplatform.AnnouncementResult, "成交结果公告", []string{pkg.PackageNo}, at)
}

// addBids adds the package's bids: the winner's at the award amount and the
// others two and four percent above it (or around the budget when nobody
// wins), all valid.
func (ex *planExec) addBids(no string, o PackageOutcome, at time.Time) {
	for k := 0; k < o.Bidders; k++ {
		name, code := supplier(ex.project.PlanID, no, k)
		if k == 0 {
			name, code = o.Supplier, o.CreditCode
		}
		factor := decimal.NewFromInt(int64(100 + 2*k)).Div(decimal.NewFromInt(100))
		amount, err := regplatform.MoneyFromDecimal(o.Amount.Decimal().Mul(factor).Round(2))
		if err != nil {
			amount = o.Amount
		}
		ex.bids = append(ex.bids, regplatform.Bid{
			BidID:        fmt.Sprintf("TB-%s-%04d", ex.project.PlanID, len(ex.bids)+1),
			PackageNo:    no,
			SupplierName: name,
			CreditCode:   code,
			BidAmount:    amount,
			BidAt:        regplatform.NewTime(at),
			Valid:        true,
		})
	}
}

// terminate stops the procurement: every open package is ABANDONED with the
// reason and a termination announcement names them.
func (ex *planExec) terminate(p *Platform, at time.Time) {
	var nos []string
	for _, i := range ex.order {
		pkg := &ex.project.Packages[i]
		if pkg.Status != regplatform.PackageInProgress {
			continue
		}
		pkg.Status, pkg.StatusReason = regplatform.PackageAbandoned, ex.script.Terminate
		pkg.ClosedAt = regplatform.NewTime(at)
		nos = append(nos, pkg.PackageNo)
	}
	ex.announce(p, regplatform.AnnouncementTermination, "终止公告", nos, at)
	ex.project.Status = regplatform.ProjectTerminated
}
