package storerules

import (
	"bytes"
	"errors"
	"fmt"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// ErrEmptyBody refuses a first body of no bytes: there is nothing to send.
// A body already kept and an empty one passed differ, which is
// poll.ErrBodyChanged instead.
var ErrEmptyBody = errors.New("body is empty")

// ErrTTL refuses a claim whose lease duration is zero or negative: such a
// lease would end before the claimer could use it.
var ErrTTL = errors.New("lease ttl is not positive")

// KeyString names k in errors as flow/source_id/revision.
func KeyString(k poll.Key) string {
	return fmt.Sprintf("%s/%s/%d", k.Flow, k.SourceID, k.Revision)
}

// CheckTTL returns an error wrapping ErrTTL when ttl is not positive.
func CheckTTL(ttl time.Duration) error {
	if ttl <= 0 {
		return fmt.Errorf("%w: %v", ErrTTL, ttl)
	}
	return nil
}

// Claimable reports whether owner may claim e at now: e is pending or in
// doubt, and its lease was ended, has run out (now is at or after its end)
// or is owner's own.
func Claimable(e poll.Entry, owner string, now time.Time) bool {
	if e.State != poll.StatePending && e.State != poll.StateInDoubt {
		return false
	}
	return e.LeaseUntil.IsZero() || !now.Before(e.LeaseUntil) || e.Owner == owner
}

// Claim gives e to owner with a lease of ttl from now and the next fence,
// and returns the lease. The caller has checked Claimable (or created e in
// StatePending with a zero fence).
func Claim(e *poll.Entry, owner string, now time.Time, ttl time.Duration) poll.Lease {
	e.Owner = owner
	e.Fence++
	e.LeaseUntil = now.Add(ttl)
	e.UpdatedAt = now
	return poll.Lease{Key: e.Key, Owner: owner, Fence: e.Fence, Until: e.LeaseUntil}
}

// CheckLease returns nil when l is the live lease of e, found in the store:
// its latest claim, not ended, on an entry still pending or in doubt. It
// fails with poll.ErrLeaseLost or poll.ErrWrongState.
func CheckLease(e poll.Entry, found bool, l poll.Lease) error {
	if !found || e.Fence != l.Fence || e.Owner != l.Owner || e.LeaseUntil.IsZero() {
		return fmt.Errorf("fence %d: %w", l.Fence, poll.ErrLeaseLost)
	}
	if e.State != poll.StatePending && e.State != poll.StateInDoubt {
		return wrongState(e)
	}
	return nil
}

// MarkSending keeps a copy of body, unless a body is kept already, and
// moves e in doubt, counting an attempt. It fails with poll.ErrBodyChanged
// when the kept body differs from body, and with ErrEmptyBody for an empty
// first body; e is then unchanged.
func MarkSending(e *poll.Entry, body []byte) error {
	switch {
	case e.Body != nil && !bytes.Equal(e.Body, body):
		return poll.ErrBodyChanged
	case e.Body == nil && len(body) == 0:
		return ErrEmptyBody
	case e.Body == nil:
		e.Body = bytes.Clone(body)
	}
	e.State = poll.StateInDoubt
	e.Attempts++
	return nil
}

// MarkNotSent moves an in-doubt e back to pending with reason. It fails
// with poll.ErrWrongState for any other state.
func MarkNotSent(e *poll.Entry, reason string) error {
	if e.State != poll.StateInDoubt {
		return wrongState(*e)
	}
	e.State = poll.StatePending
	e.LastError = reason
	return nil
}

// MarkInDoubt records reason on an in-doubt e. It fails with
// poll.ErrWrongState for any other state.
func MarkInDoubt(e *poll.Entry, reason string) error {
	if e.State != poll.StateInDoubt {
		return wrongState(*e)
	}
	e.LastError = reason
	return nil
}

// Accept records receiptID on an in-doubt e, moves it to accepted and ends
// its lease. It fails with poll.ErrWrongState for any other state.
func Accept(e *poll.Entry, receiptID string) error {
	if e.State != poll.StateInDoubt {
		return wrongState(*e)
	}
	e.State = poll.StateAccepted
	e.ReceiptID = receiptID
	e.LeaseUntil = time.Time{}
	return nil
}

// Release ends e's lease and changes nothing else.
func Release(e *poll.Entry) error {
	e.LeaseUntil = time.Time{}
	return nil
}

// Finish marks an accepted or in-doubt e finished with outcome at now and
// ends any lease. It reports false, changing nothing, for an entry already
// finished, which keeps its first outcome. It fails with poll.ErrWrongState
// when e was not found or is pending.
func Finish(e *poll.Entry, found bool, outcome string, now time.Time) (bool, error) {
	switch {
	case !found:
		return false, fmt.Errorf("no entry: %w", poll.ErrWrongState)
	case e.State == poll.StateFinished:
		return false, nil
	case e.State != poll.StateAccepted && e.State != poll.StateInDoubt:
		return false, wrongState(*e)
	}
	e.State = poll.StateFinished
	e.Outcome = outcome
	e.LeaseUntil = time.Time{}
	e.UpdatedAt = now
	return true, nil
}

// Refusal explains a fenced write named op ("mark sending", "accept", ...)
// that a statement or script refused, given the entry read just after: a
// lost lease, a changed or empty body, or a state that does not allow the
// write. The fence only grows, so an entry read later than the refusal
// still shows a lost lease as lost.
func Refusal(op string, l poll.Lease, e poll.Entry, found bool) error {
	if !found || e.Fence != l.Fence || e.LeaseUntil.IsZero() {
		return fmt.Errorf("fence %d: %w", l.Fence, poll.ErrLeaseLost)
	}
	sendable := e.State == poll.StatePending || e.State == poll.StateInDoubt
	switch {
	case op == OpMarkSending && sendable && e.Body != nil:
		return poll.ErrBodyChanged
	case op == OpMarkSending && sendable:
		return ErrEmptyBody
	default:
		return wrongState(e)
	}
}

// Names of the fenced writes, as errors and Refusal name them.
const (
	OpMarkSending = "mark sending"
	OpMarkNotSent = "mark not sent"
	OpMarkInDoubt = "mark in doubt"
	OpAccept      = "accept"
	OpRelease     = "release"
)

func wrongState(e poll.Entry) error {
	return fmt.Errorf("state %s: %w", e.State, poll.ErrWrongState)
}
