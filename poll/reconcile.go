package poll

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// settle reads, in one batch, the results of every push the walk found
// accepted, in doubt or finished, and acts on each: a terminal outcome is
// applied, an in-doubt push is reconciled, one still in progress waits.
func (p *pass) settle(ctx context.Context) {
	if len(p.due) == 0 || !p.e.gate.Allow() {
		return
	}

	ids := make([]string, 0, len(p.due))
	for _, d := range p.due {
		ids = append(ids, d.rec.SourceID)
	}

	start := p.e.clock.Now()
	results, err := p.f.Results(ctx, ids)
	p.e.metrics.Observe(MetricResultReadDuration, p.e.clock.Now().Sub(start),
		Attr{"flow", p.name})
	if err != nil {
		p.e.metrics.Add(MetricResultReads, 1, Attr{"flow", p.name}, Attr{"result", "error"})
		if ctx.Err() != nil {
			return
		}
		if pause := p.e.gate.Observe(err); pause > 0 {
			p.pausedLog(pause, err)
			return
		}
		p.e.log.Warn("poll: Result read failed; trying again next tick.",
			append([]any{"flow", p.name, "ids", len(ids)}, errorAttrs(err)...)...)
		return
	}
	p.e.metrics.Add(MetricResultReads, 1, Attr{"flow", p.name}, Attr{"result", "ok"})

	byID := make(map[string]Result, len(results))
	for _, r := range results {
		byID[r.SourceID] = r
	}
	for _, d := range p.due {
		if ctx.Err() != nil || !p.e.gate.Allow() {
			return
		}
		r, found := byID[d.rec.SourceID]
		p.fail(p.settleOne(ctx, d, r, found))
	}
}

func (p *pass) settleOne(ctx context.Context, d dueRecord, r Result, found bool) error {
	rev := d.rec.Revision
	switch {
	case found && r.Revision > rev:
		return p.laterRevision(ctx, d, r)
	case !found || r.Revision < rev:
		if d.entry.State == StateInDoubt {
			return p.resend(ctx, d)
		}
		return p.lostAccepted(d, r, found)
	}

	if d.entry.State == StateInDoubt {
		if held, err := p.held(ctx, d); !held || err != nil {
			return err
		}
	}
	if !r.Status.Terminal() {
		wait := p.e.backoff.slow(p.key(d.rec), p.e.clock.Now())
		p.e.log.Debug("poll: Record still in progress on the platform.",
			append(p.attrs(d.rec), "status", string(r.Status), "next_read_in", wait)...)
		return nil
	}
	return p.apply(ctx, d, r)
}

// held settles an in-doubt push the platform holds: it is accepted under a
// fresh claim, so the write is fenced against an engine still sending it.
// It reports false when another engine holds the claim.
func (p *pass) held(ctx context.Context, d dueRecord) (bool, error) {
	key := p.key(d.rec)
	lease, claimed, err := p.e.store.Claim(ctx, key, p.e.cfg.Owner, p.e.cfg.LeaseTTL)
	if errors.Is(err, ErrNotClaimable) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("claim %s/%d: %w", key.SourceID, key.Revision, err)
	}

	// The platform's result carries no receipt id; the entry keeps none.
	if err := p.e.store.Accept(ctx, lease, claimed.ReceiptID); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			return false, nil
		}
		p.release(ctx, lease)
		return false, fmt.Errorf("accept %s/%d: %w", key.SourceID, key.Revision, err)
	}

	p.e.backoff.forget(key)
	p.e.metrics.Add(MetricReconciled, 1, Attr{"flow", p.name}, Attr{"result", "held"})
	p.e.log.Info("poll: Reconciled push; the platform holds it.", p.attrs(d.rec)...)
	return true, nil
}

// resend settles an in-doubt push the platform does not know: the kept
// bytes are sent again under a fresh claim. Should the first send still
// arrive, the platform takes the two as one.
func (p *pass) resend(ctx context.Context, d dueRecord) error {
	key := p.key(d.rec)
	claimedAt := p.e.clock.Now()
	lease, claimed, err := p.e.store.Claim(ctx, key, p.e.cfg.Owner, p.e.cfg.LeaseTTL)
	if errors.Is(err, ErrNotClaimable) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("claim %s/%d: %w", key.SourceID, key.Revision, err)
	}
	if len(claimed.Body) == 0 {
		p.release(ctx, lease)
		return fmt.Errorf("entry %s/%d is in doubt without a kept body", key.SourceID,
			key.Revision)
	}

	p.e.metrics.Add(MetricReconciled, 1, Attr{"flow", p.name}, Attr{"result", "resent"})
	p.e.log.Info("poll: Platform does not know the push; resending the kept body.",
		p.attrs(d.rec)...)
	return p.send(ctx, d.rec, lease, claimed.Body, claimed.Attempts+1, claimedAt)
}

// laterRevision reports a platform that holds a later revision than the
// record: the two sides disagree and a person has to decide. Reads go on at
// the slow pace; an in-doubt entry keeps the disagreement as its last
// error.
//
// A later revision this deployment pushed itself is, on the first read, most
// likely a stale listing: another engine sharing the store applied the
// outcome and the host republished the record while this pass was paging.
// That read is logged at Debug and the record read again next tick; a host
// that still lists the older revision then (restored from a backup, say)
// needs a person.
func (p *pass) laterRevision(ctx context.Context, d dueRecord, r Result) error {
	later := Key{Flow: p.name, SourceID: d.rec.SourceID, Revision: r.Revision}
	_, ours, err := p.e.store.Get(ctx, later)
	if err != nil {
		return fmt.Errorf("get %s/%d: %w", later.SourceID, later.Revision, err)
	}
	if ours && p.e.backoff.laterOnce(p.key(d.rec)) {
		p.e.log.Debug("poll: Record moved on to a later revision.",
			append(p.attrs(d.rec), "platform_revision", r.Revision)...)
		return nil
	}

	msg := fmt.Sprintf("platform holds revision %d, later than the record's %d",
		r.Revision, d.rec.Revision)
	wait := p.e.backoff.slow(p.key(d.rec), p.e.clock.Now())
	p.e.metrics.Add(MetricNeedsPerson, 1, Attr{"flow", p.name})
	p.e.log.Error("poll: Platform holds a later revision; it needs a person.",
		append(p.attrs(d.rec), "platform_revision", r.Revision, "next_read_in", wait)...)

	if d.entry.State != StateInDoubt {
		return nil
	}
	lease, _, err := p.e.store.Claim(ctx, p.key(d.rec), p.e.cfg.Owner, p.e.cfg.LeaseTTL)
	if errors.Is(err, ErrNotClaimable) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("claim %s/%d: %w", d.rec.SourceID, d.rec.Revision, err)
	}
	defer p.release(ctx, lease)

	if err := p.e.store.MarkInDoubt(ctx, lease, msg); err != nil &&
		!errors.Is(err, ErrLeaseLost) {
		return fmt.Errorf("mark in doubt %s/%d: %w", d.rec.SourceID, d.rec.Revision, err)
	}
	return nil
}

// lostAccepted reports an accepted push the platform no longer knows. The
// store cannot take an accepted push back, so a person has to decide;
// reads go on at the slow pace.
func (p *pass) lostAccepted(d dueRecord, r Result, found bool) error {
	attrs := p.attrs(d.rec)
	if found {
		attrs = append(attrs, "platform_revision", r.Revision)
	}
	wait := p.e.backoff.slow(p.key(d.rec), p.e.clock.Now())
	p.e.metrics.Add(MetricNeedsPerson, 1, Attr{"flow", p.name})
	p.e.log.Error("poll: Platform does not know an accepted push; it needs a person.",
		append(attrs, "next_read_in", wait)...)
	return nil
}

// apply hands a terminal outcome to the Source, then finishes the push. A
// failure leaves the push due on the next tick, when it is read and applied
// again.
func (p *pass) apply(ctx context.Context, d dueRecord, r Result) error {
	key := p.key(d.rec)
	o := Outcome{
		Flow:      p.f.Name(),
		SourceID:  d.rec.SourceID,
		Revision:  d.rec.Revision,
		Kind:      outcomeKind(r.Status),
		Reason:    r.Reason,
		Intention: r.Intention,
		Notice:    r.Notice,
		Plan:      r.Plan,
	}
	attrs := append(p.attrs(d.rec), "outcome", string(o.Kind))
	fail := func(step string, err error) error {
		p.e.backoff.forget(key)
		if ctx.Err() != nil {
			// Stopping, not failing: the outcome is read again next run.
			return ctx.Err()
		}
		p.e.metrics.Add(MetricOutcomes, 1, Attr{"flow", p.name}, Attr{"kind", string(o.Kind)},
			Attr{"result", "error"})
		p.e.log.Warn("poll: Outcome not applied; trying again next tick.",
			append(attrs, "step", step, "error", err.Error())...)
		return fmt.Errorf("%s %s/%d: %w", step, key.SourceID, key.Revision, err)
	}

	// Deliveries go in before Apply, so a crash between the two loses none:
	// the outcome is read again and enqueuing it again keeps one each.
	err := EnqueuePublication(ctx, p.e.cfg.Outbox, p.e.cfg.Sinks, o, p.e.clock.Now())
	if err != nil {
		return fail("enqueue deliveries", err)
	}
	if hook := p.e.cfg.BeforeApply; hook != nil {
		if err := hook(ctx, o); err != nil {
			return fail("before apply", err)
		}
	}
	if err := p.f.Source().Apply(ctx, o); err != nil {
		return fail("apply", err)
	}
	if err := p.e.store.Finish(ctx, key, string(r.Status)); err != nil {
		return fail("finish", err)
	}

	p.e.backoff.forget(key)
	p.e.metrics.Add(MetricOutcomes, 1, Attr{"flow", p.name}, Attr{"kind", string(o.Kind)},
		Attr{"result", "applied"})
	p.e.log.Info("poll: Applied outcome.", attrs...)
	return nil
}

// backgroundTimeout bounds the bookkeeping done after ctx ended.
const backgroundTimeout = 5 * time.Second
