package poll_test

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

var (
	errUnknownPlan  = errors.New("fake results: unknown plan")
	errPlatformDown = errors.New("fake results: platform unavailable")
)

// fakeResults is a results service holding one execution per plan id, and
// counting the calls made to it.
type fakeResults struct {
	mu    sync.Mutex
	plans map[string]*execution
	calls map[string]int
	fail  map[string]error
}

type execution struct {
	project       regplatform.Project
	announcements []regplatform.Announcement
	bids          []regplatform.Bid
	awards        []regplatform.Award
}

func newFakeResults() *fakeResults {
	return &fakeResults{plans: map[string]*execution{}, calls: map[string]int{},
		fail: map[string]error{}}
}

func (f *fakeResults) set(planID string, e *execution) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.plans[planID] = e
}

// update changes the execution of planID under the lock.
func (f *fakeResults) update(planID string, change func(e *execution)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	change(f.plans[planID])
}

func (f *fakeResults) count(call string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[call]
}

func (f *fakeResults) get(call, planID string) (*execution, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls[call]++
	f.calls[call+" "+planID]++
	if err := f.fail[call+" "+planID]; err != nil {
		return nil, err
	}
	e, ok := f.plans[planID]
	if !ok {
		return nil, errUnknownPlan
	}
	// Hand out copies, as a client decoding a fresh answer would.
	c := *e
	c.project.Packages = append([]regplatform.ProjectPackage(nil), e.project.Packages...)
	c.announcements = append([]regplatform.Announcement(nil), e.announcements...)
	c.bids = append([]regplatform.Bid(nil), e.bids...)
	c.awards = append([]regplatform.Award(nil), e.awards...)
	return &c, nil
}

func (f *fakeResults) Project(_ context.Context, planID string) (*regplatform.Project, error) {
	e, err := f.get("project", planID)
	if err != nil {
		return nil, err
	}
	return &e.project, nil
}

func seqOf[T any](list []T, err error) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		if err != nil {
			var zero T
			yield(zero, err)
			return
		}
		for _, v := range list {
			if !yield(v, nil) {
				return
			}
		}
	}
}

func (f *fakeResults) AllAnnouncements(
	_ context.Context, planID string,
) iter.Seq2[regplatform.Announcement, error] {
	e, err := f.get("announcements", planID)
	if err != nil {
		return seqOf[regplatform.Announcement](nil, err)
	}
	return seqOf(e.announcements, nil)
}

func (f *fakeResults) AllBids(
	_ context.Context, planID, packageNo string,
) iter.Seq2[regplatform.Bid, error] {
	e, err := f.get("bids", planID)
	if err != nil {
		return seqOf[regplatform.Bid](nil, err)
	}
	var list []regplatform.Bid
	for _, b := range e.bids {
		if packageNo == "" || b.PackageNo == packageNo {
			list = append(list, b)
		}
	}
	return seqOf(list, nil)
}

func (f *fakeResults) AllAwards(
	_ context.Context, planID string,
) iter.Seq2[regplatform.Award, error] {
	e, err := f.get("awards", planID)
	if err != nil {
		return seqOf[regplatform.Award](nil, err)
	}
	return seqOf(e.awards, nil)
}

// hostPlans stands for the host's plans in 采购监管平台执行中: a final update
// moves a plan out of the list.
type hostPlans struct {
	mu        sync.Mutex
	plans     []poll.ExecutingPlan // in SourceID order
	updates   []poll.ResultsUpdate
	failApply error
	pages     int
}

func (h *hostPlans) Executing(
	_ context.Context, after string, limit int,
) ([]poll.ExecutingPlan, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pages++
	var out []poll.ExecutingPlan
	for _, p := range h.plans {
		if p.SourceID > after && len(out) < limit {
			out = append(out, p)
		}
	}
	return out, nil
}

func (h *hostPlans) ApplyResults(_ context.Context, u poll.ResultsUpdate) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.failApply != nil {
		return h.failApply
	}
	h.updates = append(h.updates, u)
	if u.Final {
		kept := h.plans[:0]
		for _, p := range h.plans {
			if p.PlanID != u.PlanID {
				kept = append(kept, p)
			}
		}
		h.plans = kept
	}
	return nil
}

func (h *hostPlans) applied() []poll.ResultsUpdate {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]poll.ResultsUpdate(nil), h.updates...)
}

func filedPlan(t *testing.T, sourceID string) *regplatform.PlanFiling {
	t.Helper()
	for _, p := range fixtures.Plans() {
		if p.SourceID == sourceID {
			return &p
		}
	}
	t.Fatalf("no fixture plan %s", sourceID)
	return nil
}

// projectOf is the execution of filed as the platform starts it: every
// package in progress with the lines as filed.
func projectOf(t *testing.T, filed *regplatform.PlanFiling, planID string,
	bt regplatform.BusinessType, updatedAt string) regplatform.Project {
	p := regplatform.Project{
		PlanID: planID, ProjectCode: filed.ProjectCode, ProjectName: filed.ProjectName,
		BusinessType: bt, ProcurementMethod: filed.ProcurementMethod,
		Status: regplatform.ProjectExecuting, UpdatedAt: mustTime(t, updatedAt),
	}
	for _, pk := range filed.Packages {
		pp := regplatform.ProjectPackage{PackageNo: pk.PackageNo, Name: pk.Name,
			BudgetAmount: pk.BudgetAmount, Status: regplatform.PackageInProgress}
		for _, it := range pk.Items {
			pp.Items = append(pp.Items, regplatform.ProjectItem{
				LineNo: it.LineNo, Name: it.Name, CategoryCode: it.CategoryCode,
				Quantity: it.Quantity, Unit: it.Unit, UnitPrice: it.UnitPrice, Amount: it.Amount,
			})
		}
		p.Packages = append(p.Packages, pp)
	}
	return p
}

// onePlan serves exec as the execution of planID and lists that plan, as
// filed, on a host: the rig of the single-plan tracker tests.
func onePlan(filed *regplatform.PlanFiling, planID string,
	exec *execution) (*fakeResults, *hostPlans) {
	svc := newFakeResults()
	svc.set(planID, exec)
	host := &hostPlans{plans: []poll.ExecutingPlan{
		{SourceID: filed.SourceID, PlanID: planID, Filed: filed}}}
	return svc, host
}

func newTracker(t *testing.T, reader poll.ResultsReader, src poll.ResultsSource,
	clock *fakeClock) *poll.ResultsTracker {
	t.Helper()
	tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{
		Reader: reader, Source: src, Now: clock.Now, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	return tr
}

func packageByNo(t *testing.T, u poll.ResultsUpdate, no string) poll.PackageResult {
	t.Helper()
	for _, p := range u.Packages {
		if p.PackageNo == no {
			return p
		}
	}
	t.Fatalf("update of %s has no package %s", u.PlanID, no)
	return poll.PackageResult{}
}

func TestResultsTrackerETradeWithOnePackageAbandoned(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	filed := filedPlan(t, "202611150021")
	const planID = "ZCJH-2026-000311"
	svc, host := onePlan(filed, planID, &execution{project: projectOf(t, filed, planID,
		regplatform.BusinessETrade, "2026-12-03 10:00:00")})
	tr := newTracker(t, svc, host, clock)

	require.NoError(t, tr.Tick(ctx))
	require.Len(t, host.applied(), 1, "the first read is handed over")
	first := host.applied()[0]
	assert.False(t, first.Final)
	assert.Len(t, first.Packages, 3)
	assert.Empty(t, first.Mismatches)

	// The tender runs: an announcement for all packages, bids on 1 and 3,
	// package 2 abandoned, then awards and completion.
	svc.update(planID, func(e *execution) {
		e.project.UpdatedAt = mustTime(t, "2026-12-05 09:00:00")
		e.announcements = []regplatform.Announcement{
			{AnnouncementID: "GG-1", Type: regplatform.AnnouncementTender,
				PackageNos: []string{"1", "2", "3"}},
			{AnnouncementID: "GG-2", Type: regplatform.AnnouncementOther},
		}
		e.bids = []regplatform.Bid{
			{BidID: "B1", PackageNo: "1", SupplierName: "甲", Valid: true,
				BidAmount: regplatform.MustMoney("2900000.00")},
			{BidID: "B2", PackageNo: "1", SupplierName: "乙", Valid: true,
				BidAmount: regplatform.MustMoney("2880000.00")},
			{BidID: "B3", PackageNo: "3", SupplierName: "丙", Valid: true,
				BidAmount: regplatform.MustMoney("340000.00")},
		}
		e.project.Packages[1].Status = regplatform.PackageAbandoned
		e.project.Packages[1].StatusReason = "有效投标人不足三家"
	})
	clock.Advance(time.Minute)
	require.NoError(t, tr.Tick(ctx))
	require.Len(t, host.applied(), 2)
	partial := host.applied()[1]
	assert.False(t, partial.Final)
	assert.Len(t, packageByNo(t, partial, "1").Bids, 2)
	assert.Empty(t, packageByNo(t, partial, "2").Bids)
	assert.Equal(t, regplatform.PackageAbandoned, packageByNo(t, partial, "2").Status)
	assert.Len(t, packageByNo(t, partial, "2").Announcements, 1)
	require.Len(t, partial.Announcements, 1, "an announcement naming no package")
	assert.Equal(t, "GG-2", partial.Announcements[0].AnnouncementID)

	svc.update(planID, func(e *execution) {
		e.project.UpdatedAt = mustTime(t, "2026-12-10 09:00:00")
		e.project.Status = regplatform.ProjectCompleted
		for _, i := range []int{0, 2} {
			e.project.Packages[i].Status = regplatform.PackageAwarded
		}
		e.awards = []regplatform.Award{
			{AwardID: "W1", PackageNo: "1", SupplierName: "乙",
				AwardAmount: regplatform.MustMoney("2880000.00")},
			{AwardID: "W3", PackageNo: "3", SupplierName: "丙",
				AwardAmount: regplatform.MustMoney("340000.00")},
		}
	})
	clock.Advance(time.Minute)
	require.NoError(t, tr.Tick(ctx))
	require.Len(t, host.applied(), 3)
	final := host.applied()[2]
	assert.True(t, final.Final)
	assert.False(t, final.Terminated)
	assert.Equal(t, regplatform.BusinessETrade, final.BusinessType)
	wantStatus := map[string]regplatform.PackageStatus{
		"1": regplatform.PackageAwarded, "2": regplatform.PackageAbandoned,
		"3": regplatform.PackageAwarded}
	for no, status := range wantStatus {
		pr := packageByNo(t, final, no)
		assert.Equal(t, status, pr.Status, "package %s", no)
		assert.Equal(t, status == regplatform.PackageAwarded, len(pr.Awards) == 1,
			"package %s awards", no)
	}
	assert.Equal(t, "有效投标人不足三家", packageByNo(t, final, "2").Reason)
	lines := packageByNo(t, final, "3").Lines
	require.Len(t, lines, 2)
	require.NotNil(t, lines[0].Filed)
	assert.Equal(t, "126000.50", lines[0].Filed.UnitPrice.String())
	assert.Equal(t, "全自动固相萃取仪", lines[0].Executed.Name)

	// The host moved the plan on: no further reads.
	reads := svc.count("project")
	require.NoError(t, tr.Tick(ctx))
	assert.Equal(t, reads, svc.count("project"))
}

func TestResultsTrackerMallOrderWithoutBids(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	filed := filedPlan(t, "202611200005")
	const planID = "ZCJH-2026-000412"
	project := projectOf(t, filed, planID, regplatform.BusinessMall, "2026-12-04 15:00:00")
	project.Status = regplatform.ProjectCompleted
	project.Packages[0].Status = regplatform.PackageAwarded
	svc, host := onePlan(filed, planID, &execution{project: project,
		awards: []regplatform.Award{
			{AwardID: "W1", PackageNo: "1", SupplierName: "某电脑公司",
				AwardAmount: regplatform.MustMoney("239800.00"), OrderNo: "DD20261204000123"},
		}})

	require.NoError(t, newTracker(t, svc, host, clock).Tick(ctx))

	require.Len(t, host.applied(), 1)
	u := host.applied()[0]
	assert.True(t, u.Final)
	assert.Equal(t, regplatform.BusinessMall, u.BusinessType)
	pr := packageByNo(t, u, "1")
	assert.Empty(t, pr.Bids)
	require.Len(t, pr.Awards, 1)
	assert.Equal(t, "DD20261204000123", pr.Awards[0].OrderNo)
	assert.Len(t, pr.Lines, 2)
	assert.Zero(t, svc.count("bids"), "the mall has no bid list to read")
}

func TestResultsTrackerTerminatedProcurement(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	filed := filedPlan(t, "202611150021")
	const planID = "ZCJH-2026-000500"
	project := projectOf(t, filed, planID, regplatform.BusinessETrade, "2026-12-08 11:00:00")
	project.Status = regplatform.ProjectTerminated
	for i := range project.Packages {
		project.Packages[i].Status = regplatform.PackageAbandoned
		project.Packages[i].StatusReason = "采购需求取消"
	}
	svc, host := onePlan(filed, planID, &execution{project: project,
		announcements: []regplatform.Announcement{
			{AnnouncementID: "GG-9", Type: regplatform.AnnouncementTermination,
				PackageNos: []string{"1", "2", "3"}},
		}})

	require.NoError(t, newTracker(t, svc, host, clock).Tick(ctx))

	require.Len(t, host.applied(), 1)
	u := host.applied()[0]
	assert.True(t, u.Final)
	assert.True(t, u.Terminated)
	for _, pr := range u.Packages {
		assert.Equal(t, regplatform.PackageAbandoned, pr.Status)
		assert.Equal(t, "采购需求取消", pr.Reason)
		assert.Empty(t, pr.Awards)
		require.Len(t, pr.Announcements, 1)
		assert.Equal(t, regplatform.AnnouncementTermination, pr.Announcements[0].Type)
	}
}

func TestResultsTrackerHandsNothingWhenNothingMoved(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	filed := filedPlan(t, "202611150021")
	const planID = "ZCJH-2026-000311"
	svc, host := onePlan(filed, planID, &execution{project: projectOf(t, filed, planID,
		regplatform.BusinessETrade, "2026-12-03 10:00:00")})
	tr := newTracker(t, svc, host, clock)
	require.NoError(t, tr.Tick(ctx))
	require.Len(t, host.applied(), 1)
	lists := svc.count("announcements")

	// The same updated_at: the project is read, the lists are not.
	require.NoError(t, tr.Tick(ctx))
	assert.Len(t, host.applied(), 1)
	assert.Equal(t, 2, svc.count("project"))
	assert.Equal(t, lists, svc.count("announcements"))

	// updated_at moved but nothing the host keeps changed.
	svc.update(planID, func(e *execution) {
		e.project.UpdatedAt = mustTime(t, "2026-12-03 11:00:00")
	})
	require.NoError(t, tr.Tick(ctx))
	assert.Len(t, host.applied(), 1)
	assert.Equal(t, lists+1, svc.count("announcements"), "the lists are read once")
	require.NoError(t, tr.Tick(ctx))
	assert.Equal(t, lists+1, svc.count("announcements"))

	// A restarted tracker hands the first read over again.
	require.NoError(t, newTracker(t, svc, host, clock).Tick(ctx))
	assert.Len(t, host.applied(), 2)
}

func TestResultsTrackerHandsAgainAfterAFailedApply(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	filed := filedPlan(t, "202611200005")
	svc := newFakeResults()
	svc.set("P1", &execution{project: projectOf(t, filed, "P1",
		regplatform.BusinessMall, "2026-12-03 10:00:00")})
	host := &hostPlans{plans: []poll.ExecutingPlan{{SourceID: "S1", PlanID: "P1"}},
		failApply: errors.New("database is locked")}
	tr := newTracker(t, svc, host, clock)

	err := tr.Tick(ctx)
	assert.ErrorIs(t, err, host.failApply)
	assert.Contains(t, err.Error(), "P1")

	host.mu.Lock()
	host.failApply = nil
	host.mu.Unlock()
	require.NoError(t, tr.Tick(ctx))
	require.Len(t, host.applied(), 1)
	u := host.applied()[0]
	assert.Empty(t, u.Mismatches, "no filed plan, no matching")
	require.Len(t, u.Packages[0].Lines, 2)
	assert.Nil(t, u.Packages[0].Lines[0].Filed)
}

func TestResultsTrackerPagesAndGoesOnPastAFailingPlan(t *testing.T) {
	ctx := context.Background()
	filed := filedPlan(t, "202611200005")
	svc := newFakeResults()
	host := &hostPlans{}
	for _, id := range []string{"A", "B", "C", "D", "E"} {
		svc.set("P"+id, &execution{project: projectOf(t, filed, "P"+id,
			regplatform.BusinessMall, "2026-12-03 10:00:00")})
		host.plans = append(host.plans, poll.ExecutingPlan{SourceID: "S" + id, PlanID: "P" + id})
	}
	svc.fail["project PB"] = errPlatformDown
	tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{
		Reader: svc, Source: host, PageSize: 2, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)

	err = tr.Tick(ctx)
	assert.ErrorIs(t, err, errPlatformDown)
	var planIDs []string
	for _, u := range host.applied() {
		planIDs = append(planIDs, u.PlanID)
	}
	assert.Equal(t, []string{"PA", "PC", "PD", "PE"}, planIDs)
	assert.Equal(t, 3, host.pages, "pages of 2, 2 and 1")
}

func TestResultsTrackerBacksOffWhileNothingChanges(t *testing.T) {
	ctx := context.Background()
	clock := newFakeClock()
	filed := filedPlan(t, "202611200005")
	svc := newFakeResults()
	svc.set("P1", &execution{project: projectOf(t, filed, "P1",
		regplatform.BusinessMall, "2026-12-03 10:00:00")})
	host := &hostPlans{plans: []poll.ExecutingPlan{{SourceID: "S1", PlanID: "P1"}}}
	tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{
		Reader: svc, Source: host, Now: clock.Now,
		MinReadInterval: time.Minute, MaxReadInterval: 4 * time.Minute,
		Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)

	// Reads at 0 (handed), 1m (unchanged, wait 2m), 3m (wait 4m), 7m, 11m.
	var readAt []int
	for minute := range 12 {
		before := svc.count("project")
		require.NoError(t, tr.Tick(ctx))
		if svc.count("project") > before {
			readAt = append(readAt, minute)
		}
		clock.Advance(time.Minute)
	}
	assert.Equal(t, []int{0, 1, 3, 7, 11}, readAt)
}

func TestNewResultsTrackerRefusesBadConfig(t *testing.T) {
	svc := newFakeResults()
	host := &hostPlans{}
	tests := []struct {
		name string
		cfg  poll.ResultsTrackerConfig
	}{
		{"no reader", poll.ResultsTrackerConfig{Source: host}},
		{"no source", poll.ResultsTrackerConfig{Reader: svc}},
		{"negative interval", poll.ResultsTrackerConfig{Reader: svc, Source: host,
			MinReadInterval: -time.Second}},
		{"inverted intervals", poll.ResultsTrackerConfig{Reader: svc, Source: host,
			MinReadInterval: time.Minute, MaxReadInterval: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := poll.NewResultsTracker(tt.cfg)
			assert.Error(t, err)
		})
	}
}

func TestResultsTrackerPausesWithTheEngineOnARateLimit(t *testing.T) {
	ctx := context.Background()
	clock := newTestClock()
	filed := filedPlan(t, "202611200005")
	svc := newFakeResults()
	host := &hostPlans{}
	for _, id := range []string{"A", "B", "C"} {
		svc.set("P"+id, &execution{project: projectOf(t, filed, "P"+id,
			regplatform.BusinessMall, "2026-12-03 10:00:00")})
		host.plans = append(host.plans, poll.ExecutingPlan{SourceID: "S" + id, PlanID: "P" + id})
	}
	svc.fail["project PA"] = errRateLimited(2 * time.Minute)
	tr, err := poll.NewResultsTracker(poll.ResultsTrackerConfig{
		Reader: svc, Source: host, Now: clock.Now, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	e, err := poll.New(poll.Config{
		Store: memstore.New(memstore.WithClock(clock.Now)), Jobs: []poll.Job{tr},
		Clock: clock, MaxPause: 10 * time.Minute, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)

	err = e.Tick(ctx)
	assert.ErrorIs(t, err, regplatform.ErrRateLimited)
	assert.Equal(t, 1, svc.count("project"), "the tick stopped at the rate limit")
	assert.Equal(t, clock.Now().Add(2*time.Minute), e.Gate().Until())

	delete(svc.fail, "project PA")
	clock.Advance(time.Minute)
	require.NoError(t, e.Tick(ctx))
	assert.Equal(t, 1, svc.count("project"), "no reads while paused")

	clock.Advance(time.Minute)
	require.NoError(t, e.Tick(ctx))
	assert.Equal(t, 4, svc.count("project"))
	assert.Len(t, host.applied(), 3)
}

// The client's Results service is what the tracker reads with.
var _ poll.ResultsReader = (*regplatform.ResultsService)(nil)
