package poll

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"
)

// NoticeDeadline is one single-source notice in 单一来源公示发布中 with its
// 公示截止时间, as the platform reported it at publication.
type NoticeDeadline struct {
	SourceID string
	// Deadline is the end of the publicity period. A zero Deadline is
	// never expired.
	Deadline time.Time
}

// ExpirySource is implemented by the host: it lists its notices in
// 单一来源公示发布中 and fires 公示期满 on them.
type ExpirySource interface {
	// InPublicity returns the notices in 单一来源公示发布中 with SourceID
	// greater than after, in SourceID byte order, at most limit.
	InPublicity(ctx context.Context, after string, limit int) ([]NoticeDeadline, error)
	// Expire fires 公示期满 on the notice (单一来源公示发布中 →
	// 单一来源公示结束) with a compare-and-set on its status. now is the
	// job's clock reading, already past the deadline: the host's guard
	// compares with it, so an engine on an injected clock agrees with its
	// host. Expiring a notice that has already moved on must be harmless.
	Expire(ctx context.Context, sourceID string, now time.Time) error
}

// ExpiryJobConfig configures NewExpiryJob. Source is required.
type ExpiryJobConfig struct {
	Source ExpirySource
	// Now is the clock. Defaults to time.Now.
	Now func() time.Time
	// PageSize is how many notices one InPublicity call asks for. Defaults
	// to 100.
	PageSize int
	// Logger defaults to slog.Default().
	Logger *slog.Logger
}

// ExpiryJob is the Job that ends the publicity of single-source notices
// (公示期满) once the clock is past their deadline. It makes no platform
// call: the deadline is the one the platform set at publication.
type ExpiryJob struct {
	cfg ExpiryJobConfig
}

// NewExpiryJob checks cfg and returns the job. It fails when Source is nil.
func NewExpiryJob(cfg ExpiryJobConfig) (*ExpiryJob, error) {
	if cfg.Source == nil {
		return nil, errors.New("poll: expiry job needs a source")
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.PageSize <= 0 {
		cfg.PageSize = 100
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &ExpiryJob{cfg: cfg}, nil
}

// Name returns "notice_expiry".
func (j *ExpiryJob) Name() string { return "notice_expiry" }

// Tick pages through the notices in publicity and expires each one whose
// deadline is before the clock's time, read once per tick. A failed Expire
// is logged and retried next tick, and the others go on; Tick returns the
// first few failures joined, or the Source's listing error. A page whose
// source_ids do not increase ends the tick with an error.
func (j *ExpiryJob) Tick(ctx context.Context) error {
	now := j.cfg.Now()
	var errs []error
	failed := 0
	after := ""
	for {
		notices, err := j.cfg.Source.InPublicity(ctx, after, j.cfg.PageSize)
		if err != nil {
			err = fmt.Errorf("poll: list notices in publicity: %w", err)
			return errors.Join(append(errs, err)...)
		}

		for _, n := range notices {
			if n.SourceID <= after {
				err := fmt.Errorf("poll: source listed notice %q after %q: keys must increase",
					n.SourceID, after)
				return errors.Join(append(errs, err)...)
			}
			after = n.SourceID
			if n.Deadline.IsZero() || !now.After(n.Deadline) {
				continue
			}
			if err := j.expire(ctx, n.SourceID, now); err != nil {
				if ctx.Err() != nil {
					return ctx.Err()
				}
				failed++
				j.cfg.Logger.Warn("poll: Notice expiry failed; will retry.",
					slog.String("source_id", n.SourceID), slog.String("error", err.Error()))
				if len(errs) < maxJobErrors {
					errs = append(errs, fmt.Errorf("poll: expire notice %s: %w", n.SourceID, err))
				}
				continue
			}
			j.cfg.Logger.Info("poll: Notice publicity ended.", slog.String("source_id", n.SourceID),
				slog.Time("deadline", n.Deadline))
		}

		if len(notices) < j.cfg.PageSize {
			break
		}
	}
	if failed > len(errs) {
		errs = append(errs, fmt.Errorf("poll: and %d more notices failed", failed-len(errs)))
	}
	return errors.Join(errs...)
}

func (j *ExpiryJob) expire(ctx context.Context, sourceID string, now time.Time) error {
	return j.cfg.Source.Expire(ctx, sourceID, now)
}
