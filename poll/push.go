package poll

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// push makes the first send of a revision, or a send after one that
// certainly did not reach the platform: with the kept body when there is one.
func (p *pass) push(ctx context.Context, rec Record, entry Entry) error {
	if !p.e.gate.Allow() {
		return nil
	}

	body := entry.Body
	if len(body) == 0 {
		var err error
		if body, err = encode(rec); err != nil {
			return p.invalid(ctx, rec, err)
		}
	}

	claimedAt := p.e.clock.Now()
	lease, claimed, err := p.e.store.Claim(ctx, p.key(rec), p.e.cfg.Owner, p.e.cfg.LeaseTTL)
	if errors.Is(err, ErrNotClaimable) {
		p.e.log.Debug("poll: Record is claimed elsewhere; skipping.", p.attrs(rec)...)
		return nil
	}
	if err != nil {
		return fmt.Errorf("claim %s/%d: %w", rec.SourceID, rec.Revision, err)
	}
	if err := ctx.Err(); err != nil {
		p.release(ctx, lease)
		return err
	}
	if claimed.State != StatePending {
		// Sent by another engine between Get and Claim: reconciled next tick.
		p.release(ctx, lease)
		return nil
	}
	if len(claimed.Body) > 0 {
		body = claimed.Body
	}
	return p.send(ctx, rec, lease, body, claimed.Attempts+1, claimedAt)
}

// encode validates and encodes the record's request, and checks that it
// names the record's own source_id and revision.
func encode(rec Record) ([]byte, error) {
	if rec.Request == nil {
		return nil, fmt.Errorf("%w: no request", ErrRequestMismatch)
	}

	body, err := regplatform.Encode(rec.Request)
	if err != nil {
		return nil, err
	}

	var id struct {
		SourceID string `json:"source_id"`
		Revision int    `json:"revision"`
	}
	if err := json.Unmarshal(body, &id); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrRequestMismatch, err)
	}
	if id.SourceID != rec.SourceID || id.Revision != rec.Revision {
		return nil, fmt.Errorf("%w: request is %s revision %d", ErrRequestMismatch,
			id.SourceID, id.Revision)
	}
	return body, nil
}

// invalid reports a request that will not be sent to the Source. The record
// stays pending; nothing is stored.
func (p *pass) invalid(ctx context.Context, rec Record, cause error) error {
	p.e.metrics.Add(MetricInvalid, 1, Attr{"flow", p.name})
	p.e.log.Error("poll: Request is invalid; not sent.",
		append(p.attrs(rec), "error", cause.Error())...)

	o := Outcome{
		Flow:     p.f.Name(),
		SourceID: rec.SourceID,
		Revision: rec.Revision,
		Kind:     OutcomeInvalid,
		Err:      cause,
	}
	if err := p.f.Source().Apply(ctx, o); err != nil {
		p.e.metrics.Add(MetricOutcomes, 1, Attr{"flow", p.name},
			Attr{"kind", string(OutcomeInvalid)}, Attr{"result", "error"})
		return fmt.Errorf("apply invalid %s/%d: %w", rec.SourceID, rec.Revision, err)
	}
	p.e.metrics.Add(MetricOutcomes, 1, Attr{"flow", p.name},
		Attr{"kind", string(OutcomeInvalid)}, Attr{"result", "applied"})
	return nil
}

// sendBudget is how much of a lease of ttl one send may use, the client's
// own retries included: nine tenths, so that the send ends before another
// engine may take the key over, even with clocks slightly apart.
func sendBudget(ttl time.Duration) time.Duration { return ttl - ttl/10 }

// errNoReceipt is the failure of a push answered without an error and without
// a receipt: an answer came back, so the request may have been taken.
var errNoReceipt = errors.New("poll: push answered without a receipt")

// send sends body under lease, claimed at claimedAt on the engine's clock,
// and records what became of it. The entry is in doubt from MarkSending on,
// so a crash during the send is reconciled. The send is cut off once
// sendBudget of the lease is spent.
func (p *pass) send(ctx context.Context, rec Record, l Lease, body []byte, attempt int,
	claimedAt time.Time) error {
	attrs := append(p.attrs(rec), "attempt", attempt)
	if err := p.e.store.MarkSending(ctx, l, body); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			p.e.log.Warn("poll: Lease lost before sending; skipping.", attrs...)
			return nil
		}
		p.release(ctx, l)
		return fmt.Errorf("mark sending %s/%d: %w", rec.SourceID, rec.Revision, err)
	}

	budget := sendBudget(p.e.cfg.LeaseTTL) - p.e.clock.Now().Sub(claimedAt)
	if budget <= 0 {
		return p.notSent(ctx, rec, l, errors.New("poll: lease spent before sending"), attrs)
	}
	sendCtx, cancel := context.WithTimeout(ctx, budget)
	start := p.e.clock.Now()
	receipt, err := p.f.Push(sendCtx, body)
	outlasted := sendCtx.Err() != nil && ctx.Err() == nil
	cancel()
	p.e.metrics.Observe(MetricPushDuration, p.e.clock.Now().Sub(start), Attr{"flow", p.name})
	p.pushed++

	if err == nil && receipt != nil {
		return p.accepted(ctx, rec, l, receipt, attrs)
	}
	answered := err == nil
	if answered {
		err = errNoReceipt
	}
	if ctx.Err() != nil {
		// The entry stays in doubt and its lease expires; whoever ticks
		// next reconciles it.
		return ctx.Err()
	}
	attrs = append(attrs, errorAttrs(err)...)

	if pause := p.e.gate.Observe(err); pause > 0 {
		p.pausedLog(pause, err)
	}
	if !answered && !regplatform.MaybeSent(err) {
		return p.notSent(ctx, rec, l, err, attrs)
	}

	p.e.metrics.Add(MetricPushes, 1, Attr{"flow", p.name}, Attr{"result", "in_doubt"})
	if outlasted {
		p.e.log.Warn("poll: Send outlasted its lease; reconciling next tick.",
			append(attrs, "lease_ttl", p.e.cfg.LeaseTTL)...)
	} else {
		p.e.log.Warn("poll: Push outcome unknown; reconciling next tick.", attrs...)
	}
	if err := p.e.store.MarkInDoubt(ctx, l, err.Error()); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			return nil
		}
		p.release(ctx, l)
		return fmt.Errorf("mark in doubt %s/%d: %w", rec.SourceID, rec.Revision, err)
	}
	p.release(ctx, l)
	return nil
}

func (p *pass) accepted(ctx context.Context, rec Record, l Lease, r *regplatform.Receipt,
	attrs []any) error {
	p.e.metrics.Add(MetricPushes, 1, Attr{"flow", p.name}, Attr{"result", "accepted"})
	if err := p.e.store.Accept(ctx, l, r.ReceiptID); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			p.e.log.Warn("poll: Lease lost before recording the receipt.", attrs...)
			return nil
		}
		p.release(ctx, l)
		return fmt.Errorf("accept %s/%d: %w", rec.SourceID, rec.Revision, err)
	}

	p.e.refusals.forget(p.key(rec))
	p.e.backoff.start(p.key(rec), p.e.clock.Now())
	p.e.log.Info("poll: Pushed record.", append(attrs, "receipt_id", r.ReceiptID,
		"status", string(r.Status), "duplicate", r.Duplicate)...)
	return nil
}

// notSent records a failure where the request certainly did not reach the
// platform. The push stays pending with its kept body and is tried again:
// on the next tick after a transient failure; after a refusal that the same
// bytes cannot get past by themselves (needsPerson), only once the wait of
// the refusal backoff has passed, from PollMin doubling up to PollMax, so a
// refused record costs the platform one request per PollMax at most.
func (p *pass) notSent(ctx context.Context, rec Record, l Lease, cause error,
	attrs []any) error {
	p.e.metrics.Add(MetricPushes, 1, Attr{"flow", p.name}, Attr{"result", "not_sent"})
	if err := p.e.store.MarkNotSent(ctx, l, cause.Error()); err != nil {
		if errors.Is(err, ErrLeaseLost) {
			return nil
		}
		p.release(ctx, l)
		return fmt.Errorf("mark not sent %s/%d: %w", rec.SourceID, rec.Revision, err)
	}
	p.release(ctx, l)

	key := p.key(rec)
	if !needsPerson(cause) {
		p.e.refusals.forget(key)
		p.e.log.Warn("poll: Push not sent; trying again next tick.", attrs...)
		return nil
	}
	wait := p.e.refusals.slow(key, p.e.clock.Now())
	p.e.metrics.Add(MetricNeedsPerson, 1, Attr{"flow", p.name})
	p.e.log.Error("poll: Platform refused the push; it needs a person.",
		append(attrs, "next_try_in", wait)...)
	if errors.Is(cause, regplatform.ErrValidation) {
		return p.invalid(ctx, rec, cause)
	}
	return nil
}

// needsPerson reports whether resending the same bytes cannot succeed:
// the platform refused the data, the credentials or the record's state.
func needsPerson(err error) bool {
	return errors.Is(err, regplatform.ErrValidation) ||
		errors.Is(err, regplatform.ErrAuth) ||
		errors.Is(err, regplatform.ErrConflict)
}

// release ends a lease; failing that, it expires on its own.
func (p *pass) release(ctx context.Context, l Lease) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), backgroundTimeout)
	defer cancel()

	if err := p.e.store.Release(ctx, l); err != nil && !errors.Is(err, ErrLeaseLost) {
		p.e.log.Warn("poll: Release failed; the lease will expire.",
			"flow", l.Key.Flow, "source_id", l.Key.SourceID, "revision", l.Key.Revision,
			"error", err.Error())
	}
}
