package poll

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// ExecutingPlan is one plan the host holds in 采购监管平台执行中.
type ExecutingPlan struct {
	// SourceID is the plan's source_id; plans are paged by it.
	SourceID string
	// PlanID is the platform's plan id (监管平台计划唯一标识) from the filing.
	PlanID string
	// Filed is the plan as filed, to match the platform's requirement lines
	// against. Nil hands the lines over unmatched.
	Filed *regplatform.PlanFiling
}

// ResultsSource is implemented by the host: it lists the plans it holds in
// 采购监管平台执行中 and records the results the tracker hands over.
type ResultsSource interface {
	// Executing returns the plans in 采购监管平台执行中 with SourceID greater
	// than after, in SourceID byte order, at most limit.
	Executing(ctx context.Context, after string, limit int) ([]ExecutingPlan, error)

	// ApplyResults records u. A final update (u.Final) is 录入结果: it moves
	// the plan to 采购结果已录入, or to 采购终止 when u.Terminated. The same
	// update may be handed more than once; applying it again must be
	// harmless. An error makes the tracker hand it again on a later tick.
	ApplyResults(ctx context.Context, u ResultsUpdate) error
}

// ResultsReader is the part of the client's Results service the tracker
// uses (2.8.1–2.8.4); *regplatform.Client's Results field provides it.
type ResultsReader interface {
	Project(ctx context.Context, planID string) (*regplatform.Project, error)
	AllAnnouncements(ctx context.Context, planID string) iter.Seq2[regplatform.Announcement, error]
	AllBids(ctx context.Context, planID, packageNo string) iter.Seq2[regplatform.Bid, error]
	AllAwards(ctx context.Context, planID string) iter.Seq2[regplatform.Award, error]
}

// ResultsUpdate is what the tracker hands the host for one plan: the whole
// current state of its execution, grouped by package.
type ResultsUpdate struct {
	SourceID string
	PlanID   string

	ProjectCode  string
	ProjectName  string
	BusinessType regplatform.BusinessType
	Status       regplatform.ProjectStatus
	UpdatedAt    regplatform.Time

	// Final is set when the project is COMPLETED or TERMINATED: this is the
	// complete result (录入结果) and nothing will change any more.
	Final bool
	// Terminated is set when the whole procurement was stopped (采购终止);
	// its unclosed packages are then ABANDONED with the reason.
	Terminated bool

	// Packages follow the project's order. Abandoned packages beside
	// awarded ones are a normal outcome.
	Packages []PackageResult
	// Announcements are those that name no package of the project.
	Announcements []regplatform.Announcement
	// Mismatches lists the requirement lines that disagree with the filed
	// plan (see MatchLines); empty when none or when no plan was given.
	Mismatches []LineMismatch
}

// PackageResult is the state of one package (一标多包).
type PackageResult struct {
	PackageNo    string
	Name         string
	BudgetAmount regplatform.Money
	Status       regplatform.PackageStatus
	// Reason is status_reason, set for ABANDONED and FAILED.
	Reason   string
	ClosedAt regplatform.Time
	// Lines are the package's requirement lines matched to the filed plan.
	Lines []LinePair
	// Announcements are those naming this package.
	Announcements []regplatform.Announcement
	// Bids of the package; always empty in the mall (MALL).
	Bids []regplatform.Bid
	// Awards of the package; in the mall each carries its order_no.
	Awards []regplatform.Award
	// Unlisted is set when the project lists no such package and only bids
	// or awards name it; the platform's data then disagree with itself.
	Unlisted bool
}

// ResultsTrackerConfig configures NewResultsTracker. Reader and Source are
// required.
type ResultsTrackerConfig struct {
	Reader ResultsReader
	Source ResultsSource
	// PageSize is how many plans one Source.Executing call asks for.
	// Defaults to 100.
	PageSize int
	// MinReadInterval and MaxReadInterval space the project reads of one
	// plan while nothing changes: the wait starts at MinReadInterval,
	// doubles after each read that finds nothing new, up to
	// MaxReadInterval, and returns to MinReadInterval on a change. Reads
	// happen on ticks, so a wait is rounded up to the next tick. Both
	// default to 0: every plan is read on every tick. MaxReadInterval
	// without MinReadInterval is refused, since a zero wait never doubles.
	MinReadInterval, MaxReadInterval time.Duration
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// ResultsTracker is the Job that follows every executing plan (采购结果) and
// hands its results to the host. What it last handed over is kept in
// memory only: after a restart the first read of each plan is handed over
// again, which ApplyResults must take harmlessly.
type ResultsTracker struct {
	cfg   ResultsTrackerConfig
	gate  callGate
	plans map[string]*planSeen
}

// callGate is the engine's pause of platform calls, as the tracker uses it.
type callGate interface {
	Allow() bool
	Observe(err error) time.Duration
}

// planSeen is what the tracker remembers of one plan.
type planSeen struct {
	updatedAt   time.Time
	fingerprint [sha256.Size]byte
	wait        time.Duration
	nextRead    time.Time
}

// maxJobErrors bounds the errors one tick of a job reports; the rest are
// counted.
const maxJobErrors = 10

// NewResultsTracker checks cfg and returns the tracker. It fails when Reader
// or Source is nil, the read intervals are negative or inverted, or
// MaxReadInterval is set without a MinReadInterval to double from.
func NewResultsTracker(cfg ResultsTrackerConfig) (*ResultsTracker, error) {
	if cfg.Reader == nil || cfg.Source == nil {
		return nil, errors.New("poll: results tracker needs a reader and a source")
	}
	if cfg.MinReadInterval < 0 || cfg.MaxReadInterval < cfg.MinReadInterval {
		return nil, fmt.Errorf("poll: results tracker read intervals %s..%s are not ordered",
			cfg.MinReadInterval, cfg.MaxReadInterval)
	}
	if cfg.MinReadInterval == 0 && cfg.MaxReadInterval > 0 {
		return nil, errors.New("poll: results tracker MaxReadInterval needs a positive " +
			"MinReadInterval to double from")
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &ResultsTracker{cfg: cfg, plans: map[string]*planSeen{}}, nil
}

// Name returns "results".
func (t *ResultsTracker) Name() string { return "results" }

// UseGate makes the tracker's platform calls pause with the engine's others,
// and a rate limit it meets pause them all; poll.New calls it. Without a
// gate the tracker reads on every tick whatever the platform answered.
func (t *ResultsTracker) UseGate(g *Gate) {
	if g != nil {
		t.gate = g
	}
}

// Tick pages through the executing plans and reads each one that is due.
// A failure on one plan is logged at Warn and the others go on; Tick
// returns the first few such failures joined. A failing Source, a page
// whose source_ids do not increase, or a paused gate ends the tick early.
// Ticks must not overlap.
func (t *ResultsTracker) Tick(ctx context.Context) error {
	listed := map[string]bool{}
	var errs []error
	failed := 0
	after := ""
	for {
		plans, err := t.cfg.Source.Executing(ctx, after, t.cfg.PageSize)
		if err != nil {
			return errors.Join(append(errs, fmt.Errorf("poll: list executing plans: %w", err))...)
		}

		for _, p := range plans {
			if p.SourceID <= after {
				err := fmt.Errorf("poll: source listed plan %q after %q: keys must increase",
					p.SourceID, after)
				return errors.Join(append(errs, err)...)
			}
			after = p.SourceID
			listed[p.PlanID] = true
			if t.gate != nil && !t.gate.Allow() {
				return errors.Join(errs...)
			}
			err := t.track(ctx, p)
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err == nil {
				continue
			}
			failed++
			if len(errs) < maxJobErrors {
				errs = append(errs, err)
			}
			t.cfg.Logger.Warn("poll: Results of a plan not handed over; will retry.",
				slog.String("source_id", p.SourceID), slog.String("plan_id", p.PlanID),
				slog.String("error", err.Error()))
			if t.gate != nil && t.gate.Observe(err) > 0 {
				return errors.Join(errs...)
			}
		}

		if len(plans) < t.cfg.PageSize {
			break
		}
	}

	// Forget plans the host no longer lists (recorded, or moved on).
	for id := range t.plans {
		if !listed[id] {
			delete(t.plans, id)
		}
	}
	if failed > len(errs) {
		errs = append(errs, fmt.Errorf("poll: and %d more plans failed", failed-len(errs)))
	}
	return errors.Join(errs...)
}

// track reads one plan and hands an update when something changed.
func (t *ResultsTracker) track(ctx context.Context, p ExecutingPlan) error {
	now := t.cfg.Now()
	seen := t.plans[p.PlanID]
	if seen != nil && now.Before(seen.nextRead) {
		return nil
	}
	log := t.cfg.Logger.With(slog.String("source_id", p.SourceID),
		slog.String("plan_id", p.PlanID))

	project, err := t.cfg.Reader.Project(ctx, p.PlanID)
	if err != nil {
		return fmt.Errorf("poll: read project of plan %s (%s): %w", p.PlanID, p.SourceID, err)
	}
	if seen != nil && project.UpdatedAt.Equal(seen.updatedAt) {
		t.unchanged(seen, now)
		log.Debug("poll: Project unchanged.", slog.String("updated_at", project.UpdatedAt.String()))
		return nil
	}

	u, err := t.collect(ctx, p, project)
	if err != nil {
		return fmt.Errorf("poll: read results of plan %s (%s): %w", p.PlanID, p.SourceID, err)
	}
	fp, err := fingerprint(u)
	if err != nil {
		return fmt.Errorf("poll: results of plan %s (%s): %w", p.PlanID, p.SourceID, err)
	}
	if seen != nil && fp == seen.fingerprint {
		// updated_at moved but nothing the host keeps did.
		seen.updatedAt = project.UpdatedAt.Time
		t.unchanged(seen, now)
		log.Debug("poll: Results unchanged.", slog.String("updated_at", project.UpdatedAt.String()))
		return nil
	}

	if err := t.cfg.Source.ApplyResults(ctx, u); err != nil {
		return fmt.Errorf("poll: apply results of plan %s (%s): %w", p.PlanID, p.SourceID, err)
	}
	t.plans[p.PlanID] = &planSeen{updatedAt: project.UpdatedAt.Time, fingerprint: fp,
		wait: t.cfg.MinReadInterval, nextRead: now.Add(t.cfg.MinReadInterval)}
	log.Info("poll: Results handed to the host.", slog.String("status", string(u.Status)),
		slog.Bool("final", u.Final), slog.Int("packages", len(u.Packages)),
		slog.Int("mismatches", len(u.Mismatches)))
	return nil
}

// unchanged backs the plan's next read off after a read with no news.
func (t *ResultsTracker) unchanged(seen *planSeen, now time.Time) {
	seen.wait = min(max(seen.wait*2, t.cfg.MinReadInterval), t.cfg.MaxReadInterval)
	seen.nextRead = now.Add(seen.wait)
}

// collect reads announcements, bids (not in the mall) and awards, and
// groups everything by package.
func (t *ResultsTracker) collect(
	ctx context.Context, p ExecutingPlan, project *regplatform.Project,
) (ResultsUpdate, error) {
	announcements, err := collectAll(t.cfg.Reader.AllAnnouncements(ctx, p.PlanID))
	if err != nil {
		return ResultsUpdate{}, fmt.Errorf("announcements: %w", err)
	}
	var bids []regplatform.Bid
	if project.BusinessType != regplatform.BusinessMall {
		bids, err = collectAll(t.cfg.Reader.AllBids(ctx, p.PlanID, ""))
		if err != nil {
			return ResultsUpdate{}, fmt.Errorf("bids: %w", err)
		}
	}
	awards, err := collectAll(t.cfg.Reader.AllAwards(ctx, p.PlanID))
	if err != nil {
		return ResultsUpdate{}, fmt.Errorf("awards: %w", err)
	}
	return BuildResultsUpdate(p, project, announcements, bids, awards), nil
}

func collectAll[T any](seq iter.Seq2[T, error]) ([]T, error) {
	var out []T
	for v, err := range seq {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// fingerprint hashes what the host keeps of u, leaving updated_at out so
// that a move of updated_at alone does not count as a change.
func fingerprint(u ResultsUpdate) ([sha256.Size]byte, error) {
	u.UpdatedAt = regplatform.Time{}
	b, err := json.Marshal(u)
	if err != nil {
		return [sha256.Size]byte{}, fmt.Errorf("fingerprint: %w", err)
	}
	return sha256.Sum256(b), nil
}
