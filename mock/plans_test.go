package mock

import (
	"fmt"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// filePlan pushes a golden plan and reads its result until FILED.
func filePlan(t *testing.T, h *harness, sourceID string) regplatform.PlanResult {
	t.Helper()
	body := golden(t, "wire/requests/plan-"+sourceID+"-r1.json")
	rc := data[regplatform.Receipt](t, h.push(pathPlans, body))
	require.Equal(t, regplatform.StatusFiling, rc.Status)
	res := data[regplatform.PlanResults](t, h.results(pathPlanResults, sourceID))
	require.Len(t, res.Results, 1)
	require.Equal(t, regplatform.StatusFiled, res.Results[0].Status)
	return res.Results[0]
}

func project(t *testing.T, h *harness, planID string) regplatform.Project {
	t.Helper()
	return data[regplatform.Project](t, h.get("/v1/plans/"+planID+"/project", nil))
}

func list[T any](t *testing.T, h *harness, planID, what string, q url.Values) regplatform.Page[T] {
	t.Helper()
	return data[regplatform.Page[T]](t, h.get("/v1/plans/"+planID+"/"+what, q))
}

// runToEnd reads the project until it is done and returns every read.
func runToEnd(t *testing.T, h *harness, planID string) []regplatform.Project {
	t.Helper()
	var reads []regplatform.Project
	for range 50 {
		h.clock.Advance(time.Minute)
		pr := project(t, h, planID)
		reads = append(reads, pr)
		if pr.Status.Done() {
			return reads
		}
	}
	require.FailNow(t, "project never done")
	return nil
}

func TestPlanFiledAndRejected(t *testing.T) {
	h := newHarness(t, Config{PublishAfterReads: 1})
	h.p.Script(regplatform.FlowPlan, "202002270009", Script{
		Outcomes: map[int]Outcome{1: {
			Status: regplatform.StatusRejected, Reason: "采购方式与品目不符",
		}},
	})
	body := golden(t, "wire/requests/plan-202002270009-r1.json")
	require.Equal(t, regplatform.CodeOK, h.push(pathPlans, body).env.Code)

	read := func() regplatform.PlanResult {
		res := data[regplatform.PlanResults](t, h.results(pathPlanResults, "202002270009"))
		require.Len(t, res.Results, 1)
		return res.Results[0]
	}
	assert.Equal(t, regplatform.StatusFiling, read().Status)
	r := read()
	assert.Equal(t, regplatform.StatusRejected, r.Status)
	assert.Equal(t, "采购方式与品目不符", r.FailReason)
	assert.Empty(t, r.PlanID)
	assert.True(t, r.FiledAt.IsZero())

	require.Equal(t, regplatform.CodeOK, h.push(pathPlans, withRevision(t, body, 2)).env.Code)
	read()
	h.clock.Advance(time.Minute)
	r = read()
	assert.Equal(t, 2, r.Revision)
	assert.Equal(t, regplatform.StatusFiled, r.Status)
	assert.Regexp(t, `^ZCJH-2026-[0-9]{6}$`, r.PlanID)
	assert.Regexp(t, `^ZCBA-2026-[0-9]{6}$`, r.PlanNo)
	assert.Equal(t, "2026-12-03 10:01:00", r.FiledAt.String())
	assert.Empty(t, r.FailReason)

	// A filed plan takes no further revision.
	got := h.push(pathPlans, withRevision(t, body, 3))
	assert.Equal(t, regplatform.CodeStateConflict, got.env.Code)
}

// TestETradeWithAbandonedPackage plays the scenario of plan 202611150021:
// package 1 awarded, package 2 abandoned, package 3 awarded after a
// correction; the project completes.
func TestETradeWithAbandonedPackage(t *testing.T) {
	h := newHarness(t, Config{})
	h.p.Script(regplatform.FlowPlan, "202611150021", Script{Execution: &Execution{
		BusinessType: regplatform.BusinessETrade,
		Packages: map[string]PackageOutcome{
			"1": {Supplier: "某仪器有限公司", CreditCode: "914403001922038216",
				Amount: regplatform.MustMoney("2899000.00")},
			"2": {Status: regplatform.PackageAbandoned, Reason: "有效供应商不足三家"},
			"3": {Correction: true},
		},
	}})
	planID := filePlan(t, h, "202611150021").PlanID

	first := project(t, h, planID)
	assert.Equal(t, regplatform.ProjectExecuting, first.Status)
	assert.Equal(t, regplatform.BusinessETrade, first.BusinessType)
	require.Len(t, first.Packages, 3)
	for _, pkg := range first.Packages {
		assert.Equal(t, regplatform.PackageInProgress, pkg.Status)
		assert.True(t, pkg.ClosedAt.IsZero())
	}
	assert.Equal(t, []int{1, 2}, lineNos(first.Packages[0]))
	assert.Equal(t, "某品牌 X-900", first.Packages[0].Items[0].Spec)

	reads := append([]regplatform.Project{first}, runToEnd(t, h, planID)...)
	last := reads[len(reads)-1]
	assert.Equal(t, regplatform.ProjectCompleted, last.Status)
	for i := 1; i < len(reads); i++ {
		assert.True(t, reads[i].UpdatedAt.After(reads[i-1].UpdatedAt.Time),
			"updated_at moves on every step")
	}
	statuses := map[string]regplatform.PackageStatus{}
	for _, pkg := range last.Packages {
		statuses[pkg.PackageNo] = pkg.Status
		assert.False(t, pkg.ClosedAt.IsZero())
	}
	assert.Equal(t, map[string]regplatform.PackageStatus{"1": regplatform.PackageAwarded,
		"2": regplatform.PackageAbandoned, "3": regplatform.PackageAwarded}, statuses)
	assert.Equal(t, "有效供应商不足三家", last.Packages[1].StatusReason)

	awards := list[regplatform.Award](t, h, planID, "awards", nil)
	require.Equal(t, 2, awards.Total)
	assert.Equal(t, "1", awards.List[0].PackageNo)
	assert.Equal(t, "某仪器有限公司", awards.List[0].SupplierName)
	assert.Equal(t, "2899000.00", awards.List[0].AwardAmount.String())
	assert.Equal(t, "3", awards.List[1].PackageNo)
	assert.Equal(t, "350001.00", awards.List[1].AwardAmount.String())
	assert.Empty(t, awards.List[0].OrderNo)

	anns := list[regplatform.Announcement](t, h, planID, "announcements", nil)
	var types []regplatform.AnnouncementType
	for _, a := range anns.List {
		types = append(types, a.Type)
	}
	assert.Equal(t, []regplatform.AnnouncementType{regplatform.AnnouncementTender,
		regplatform.AnnouncementResult, regplatform.AnnouncementOther,
		regplatform.AnnouncementCorrection, regplatform.AnnouncementResult}, types)
	assert.Equal(t, []string{"1", "2", "3"}, anns.List[0].PackageNos)

	bids := list[regplatform.Bid](t, h, planID, "bids", nil)
	assert.Equal(t, 3+2+3, bids.Total)
	pkg2 := list[regplatform.Bid](t, h, planID, "bids", url.Values{"package_no": {"2"}})
	assert.Equal(t, 2, pkg2.Total)
	for _, b := range bids.List {
		assert.Len(t, b.CreditCode, 18)
	}
}

func lineNos(pkg regplatform.ProjectPackage) []int {
	var out []int
	for _, it := range pkg.Items {
		out = append(out, it.LineNo)
	}
	return out
}

func TestMallExecution(t *testing.T) {
	h := newHarness(t, Config{})
	h.p.Script(regplatform.FlowPlan, "202611200005", Script{Execution: &Execution{
		BusinessType: regplatform.BusinessMall,
	}})
	planID := filePlan(t, h, "202611200005").PlanID
	reads := runToEnd(t, h, planID)
	last := reads[len(reads)-1]
	assert.Equal(t, regplatform.BusinessMall, last.BusinessType)
	assert.Equal(t, regplatform.ProjectCompleted, last.Status)
	assert.Len(t, reads, 1, "one package, one step")

	awards := list[regplatform.Award](t, h, planID, "awards", nil)
	require.Len(t, awards.List, 1)
	assert.Regexp(t, `^DD20261203[0-9]{6}$`, awards.List[0].OrderNo)
	assert.Equal(t, "247920.00", awards.List[0].AwardAmount.String())
	assert.Zero(t, list[regplatform.Bid](t, h, planID, "bids", nil).Total)
}

func TestTerminatedProcurement(t *testing.T) {
	h := newHarness(t, Config{})
	h.p.Script(regplatform.FlowPlan, "202611150021", Script{Execution: &Execution{
		TerminateAfter: 1, Terminate: "采购需求发生重大变化",
	}})
	planID := filePlan(t, h, "202611150021").PlanID
	reads := runToEnd(t, h, planID)
	last := reads[len(reads)-1]
	assert.Equal(t, regplatform.ProjectTerminated, last.Status)

	got := map[string]string{}
	for _, pkg := range last.Packages {
		got[pkg.PackageNo] = string(pkg.Status) + " " + pkg.StatusReason
	}
	assert.Equal(t, map[string]string{
		"1": "AWARDED ",
		"2": "ABANDONED 采购需求发生重大变化",
		"3": "ABANDONED 采购需求发生重大变化",
	}, got)
	anns := list[regplatform.Announcement](t, h, planID, "announcements", nil)
	end := anns.List[len(anns.List)-1]
	assert.Equal(t, regplatform.AnnouncementTermination, end.Type)
	assert.Equal(t, []string{"2", "3"}, end.PackageNos)
}

func TestDefaultExecutionAwardsEveryPackage(t *testing.T) {
	h := newHarness(t, Config{})
	planID := filePlan(t, h, "202611150021").PlanID
	reads := runToEnd(t, h, planID)
	assert.Len(t, reads, 4, "tender, then one step per package")
	for _, pkg := range reads[len(reads)-1].Packages {
		assert.Equal(t, regplatform.PackageAwarded, pkg.Status)
	}
}

func TestExecutionByClock(t *testing.T) {
	h := newHarness(t, Config{StepAfter: time.Hour})
	planID := filePlan(t, h, "202611150021").PlanID

	for range 3 {
		assert.Empty(t, list[regplatform.Announcement](t, h, planID, "announcements", nil).List)
		project(t, h, planID)
	}
	h.clock.Advance(2 * time.Hour)
	anns := list[regplatform.Announcement](t, h, planID, "announcements", nil)
	assert.Equal(t, 2, anns.Total, "tender and the first package's result")
	h.clock.Advance(5 * time.Hour)
	assert.Equal(t, regplatform.ProjectCompleted, project(t, h, planID).Status)
}

func TestStepAfterReads(t *testing.T) {
	h := newHarness(t, Config{StepAfterReads: 2})
	h.p.Script(regplatform.FlowPlan, "202611200005", Script{Execution: &Execution{
		BusinessType: regplatform.BusinessMall,
	}})
	planID := filePlan(t, h, "202611200005").PlanID
	for range 2 {
		assert.Equal(t, regplatform.ProjectExecuting, project(t, h, planID).Status)
	}
	assert.Equal(t, regplatform.ProjectCompleted, project(t, h, planID).Status)
}

func TestPlanAccess(t *testing.T) {
	h := newHarness(t, Config{OtherKeys: map[string]string{"203000002": "second"}})
	planID := filePlan(t, h, "202611200005").PlanID
	other := newHarnessSharing(h, "203000002", "second")

	for _, what := range []string{"project", "announcements", "bids", "awards"} {
		got := other.get("/v1/plans/"+planID+"/"+what, nil)
		assert.Equal(t, regplatform.CodeForbidden, got.env.Code, what)
		assert.Equal(t, 403, got.status)

		got = h.get("/v1/plans/ZCJH-2026-999999/"+what, nil)
		assert.Equal(t, regplatform.CodeNotFound, got.env.Code, what)
		assert.Equal(t, 404, got.status)
	}
	assert.Equal(t, regplatform.CodeNotFound, h.get("/v1/plans/"+planID+"/other", nil).env.Code)
}

func TestPaging(t *testing.T) {
	h := newHarness(t, Config{})
	// 45 bidders on one package gives a list long enough to page.
	h.p.Script(regplatform.FlowPlan, "202002270009", Script{Execution: &Execution{
		Packages: map[string]PackageOutcome{"1": {Bidders: 45}},
	}})
	planID := filePlan(t, h, "202002270009").PlanID
	runToEnd(t, h, planID)

	page := func(no, size string) (regplatform.Page[regplatform.Bid], string) {
		q := url.Values{}
		if no != "" {
			q.Set("page_no", no)
		}
		if size != "" {
			q.Set("page_size", size)
		}
		r := h.get("/v1/plans/"+planID+"/bids", q)
		if r.env.Code != regplatform.CodeOK {
			return regplatform.Page[regplatform.Bid]{}, r.env.Code
		}
		return data[regplatform.Page[regplatform.Bid]](t, r), r.env.Code
	}

	tests := []struct {
		no, size         string
		code             string
		pageNo, pageSize int
		n                int
		first            int
	}{
		{"", "", regplatform.CodeOK, 1, 20, 20, 1},
		{"2", "", regplatform.CodeOK, 2, 20, 20, 21},
		{"3", "", regplatform.CodeOK, 3, 20, 5, 41},
		{"4", "", regplatform.CodeOK, 4, 20, 0, 0},
		{"999999999999", "100", regplatform.CodeOK, 999999999999, 100, 0, 0},
		{"1", "1", regplatform.CodeOK, 1, 1, 1, 1},
		{"1", "100", regplatform.CodeOK, 1, 100, 45, 1},
		{"1", "45", regplatform.CodeOK, 1, 45, 45, 1},
		{"2", "45", regplatform.CodeOK, 2, 45, 0, 0},
		{"1", "0", regplatform.CodeInvalidParams, 0, 0, 0, 0},
		{"1", "101", regplatform.CodeInvalidParams, 0, 0, 0, 0},
		{"0", "20", regplatform.CodeInvalidParams, 0, 0, 0, 0},
		{"-1", "", regplatform.CodeInvalidParams, 0, 0, 0, 0},
		{"x", "", regplatform.CodeInvalidParams, 0, 0, 0, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("page %q size %q", tt.no, tt.size), func(t *testing.T) {
			got, code := page(tt.no, tt.size)
			require.Equal(t, tt.code, code)
			if code != regplatform.CodeOK {
				return
			}
			assert.Equal(t, 45, got.Total)
			assert.Equal(t, tt.pageNo, got.PageNo)
			assert.Equal(t, tt.pageSize, got.PageSize)
			require.Len(t, got.List, tt.n)
			assert.NotNil(t, got.List)
			if tt.n > 0 {
				assert.Equal(t, fmt.Sprintf("TB-%s-%04d", planID, tt.first), got.List[0].BidID)
			}
		})
	}
}

func TestPackageOrder(t *testing.T) {
	nos := []string{"10", "2", "1", "B", "A"}
	for i := 0; i < len(nos); i++ {
		for j := i + 1; j < len(nos); j++ {
			if packageLess(nos[j], nos[i]) {
				nos[i], nos[j] = nos[j], nos[i]
			}
		}
	}
	assert.Equal(t, []string{"1", "2", "10", "A", "B"}, nos)
}

func TestGeneratedCreditCodesCheck(t *testing.T) {
	// Public codes whose check character is known.
	assert.Equal(t, byte('6'), creditCheck("91440300192203821"))
	assert.Equal(t, byte('G'), creditCheck("9144030071526726X"))
	for i := range 20 {
		_, code := supplier("ZCJH-2026-000001", strconv.Itoa(i), i)
		assert.NoError(t, regplatform.CheckCreditCode(code), code)
	}
}
