package poll_test

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
)

// publicity stands for the host's notices in 单一来源公示发布中; Expire moves
// a notice out of the list.
type publicity struct {
	mu      sync.Mutex
	notices []poll.NoticeDeadline // in SourceID order
	expired []string
	at      map[string]time.Time // the job's time of each expiry
	fail    map[string]error
	pages   int
}

func (p *publicity) InPublicity(
	_ context.Context, after string, limit int,
) ([]poll.NoticeDeadline, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.pages++
	var out []poll.NoticeDeadline
	for _, n := range p.notices {
		if n.SourceID > after && len(out) < limit {
			out = append(out, n)
		}
	}
	return out, nil
}

func (p *publicity) Expire(_ context.Context, sourceID string, now time.Time) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.fail[sourceID]; err != nil {
		return err
	}
	if p.at == nil {
		p.at = make(map[string]time.Time)
	}
	p.at[sourceID] = now
	kept := p.notices[:0]
	for _, n := range p.notices {
		if n.SourceID != sourceID {
			kept = append(kept, n)
		}
	}
	p.notices = kept
	p.expired = append(p.expired, sourceID)
	return nil
}

func (p *publicity) expiredIDs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.expired...)
}

func deadline(t *testing.T, s string) time.Time { return mustTime(t, s).Time }

func TestExpiryJobExpiresOncePastTheDeadline(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: deadline(t, "2026-12-10 23:00:00")}
	src := &publicity{notices: []poll.NoticeDeadline{
		{SourceID: "DY2026000101", Deadline: deadline(t, "2026-12-10 23:59:59")},
		{SourceID: "DY2026000102", Deadline: deadline(t, "2026-12-11 23:59:59")},
		{SourceID: "DY2026000103", Deadline: deadline(t, "2026-12-09 23:59:59")},
		{SourceID: "DY2026000104"}, // no deadline known: never expired
	}}
	job, err := poll.NewExpiryJob(poll.ExpiryJobConfig{
		Source: src, Now: clock.Now, PageSize: 2, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)
	assert.Equal(t, "notice_expiry", job.Name())

	steps := []struct {
		advance time.Duration
		want    []string
	}{
		{0, []string{"DY2026000103"}},
		// Exactly at the deadline the notice is still in publicity.
		{59*time.Minute + 59*time.Second, []string{"DY2026000103"}},
		{time.Second, []string{"DY2026000103", "DY2026000101"}},
		{24 * time.Hour, []string{"DY2026000103", "DY2026000101", "DY2026000102"}},
		{30 * 24 * time.Hour, []string{"DY2026000103", "DY2026000101", "DY2026000102"}},
	}
	for i, s := range steps {
		clock.Advance(s.advance)
		require.NoError(t, job.Tick(ctx))
		assert.Equal(t, s.want, src.expiredIDs(), "step %d", i)
	}
}

func TestExpiryJobGoesOnPastAFailure(t *testing.T) {
	ctx := context.Background()
	clock := &fakeClock{now: deadline(t, "2026-12-20 09:00:00")}
	past := deadline(t, "2026-12-10 23:59:59")
	boom := errors.New("status changed meanwhile")
	src := &publicity{fail: map[string]error{"B": boom}}
	for _, id := range []string{"A", "B", "C"} {
		src.notices = append(src.notices, poll.NoticeDeadline{SourceID: id, Deadline: past})
	}
	job, err := poll.NewExpiryJob(poll.ExpiryJobConfig{
		Source: src, Now: clock.Now, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)

	err = job.Tick(ctx)
	assert.ErrorIs(t, err, boom)
	assert.Contains(t, err.Error(), "B")
	assert.Equal(t, []string{"A", "C"}, src.expiredIDs())

	src.mu.Lock()
	delete(src.fail, "B")
	src.mu.Unlock()
	require.NoError(t, job.Tick(ctx))
	assert.Equal(t, []string{"A", "C", "B"}, src.expiredIDs())
}

func TestNewExpiryJobNeedsASource(t *testing.T) {
	_, err := poll.NewExpiryJob(poll.ExpiryJobConfig{})
	assert.Error(t, err)
}

func TestExpiryJobHandsItsClockToTheSource(t *testing.T) {
	clock := &fakeClock{now: deadline(t, "2026-12-11 00:00:00")}
	src := &publicity{}
	src.notices = []poll.NoticeDeadline{
		{SourceID: "DY1", Deadline: deadline(t, "2026-12-10 23:59:59")}}
	job, err := poll.NewExpiryJob(poll.ExpiryJobConfig{
		Source: src, Now: clock.Now, Logger: slog.New(slog.DiscardHandler),
	})
	require.NoError(t, err)

	require.NoError(t, job.Tick(context.Background()))
	assert.Equal(t, []string{"DY1"}, src.expiredIDs())
	assert.Equal(t, clock.Now(), src.at["DY1"])
}
