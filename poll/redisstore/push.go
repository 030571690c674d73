package redisstore

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// Claim takes a lease of ttl on key for owner; see poll.IdempotencyStore. It
// fails with poll.ErrNotClaimable, returning the current entry, when another
// owner's lease has not ended or the push is accepted or finished.
func (s *Store) Claim(ctx context.Context, key poll.Key, owner string,
	ttl time.Duration) (poll.Lease, poll.Entry, error) {
	if err := storerules.CheckTTL(ttl); err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("redisstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	now := s.now()
	until := now.Add(ttl)

	reply, err := claimScript.Run(ctx, s.rdb, s.keys(key), key.Flow, key.SourceID,
		key.Revision, owner, micros(until), micros(now)).Slice()
	if err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("redisstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	won, e, err := claimReply(reply)
	if err != nil {
		return poll.Lease{}, poll.Entry{}, fmt.Errorf("redisstore: claim %s: %w",
			storerules.KeyString(key), err)
	}
	if !won {
		return poll.Lease{}, e, fmt.Errorf("redisstore: claim %s: %w", storerules.KeyString(key),
			poll.ErrNotClaimable)
	}

	l := poll.Lease{Key: key, Owner: e.Owner, Fence: e.Fence, Until: e.LeaseUntil}
	return l, e, nil
}

// claimReply reads the claim script's {won, entry} answer.
func claimReply(reply []any) (bool, poll.Entry, error) {
	if len(reply) != 2 {
		return false, poll.Entry{}, fmt.Errorf("unexpected claim reply of %d items", len(reply))
	}
	won, ok := reply[0].(int64)
	if !ok {
		return false, poll.Entry{}, fmt.Errorf("unexpected claim reply %T", reply[0])
	}
	h, err := pairs(reply[1])
	if err != nil {
		return false, poll.Entry{}, err
	}
	e, err := parseEntry(h)
	if err != nil {
		return false, poll.Entry{}, err
	}
	return won == 1, e, nil
}

// MarkSending keeps body and moves the entry in doubt, counting an attempt.
// It fails with poll.ErrLeaseLost when l is no longer the key's latest
// claim, with poll.ErrBodyChanged when a different body is already kept, and
// with an error for an empty first body.
func (s *Store) MarkSending(ctx context.Context, l poll.Lease, body []byte) error {
	if body == nil {
		body = []byte{}
	}
	return s.fenced(ctx, storerules.OpMarkSending, markSendingScript, l, body)
}

// MarkNotSent moves an in-doubt entry back to pending with reason, keeping
// the body. It fails with poll.ErrLeaseLost when l is stale and with
// poll.ErrWrongState when the entry is not in doubt.
func (s *Store) MarkNotSent(ctx context.Context, l poll.Lease, reason string) error {
	return s.fenced(ctx, storerules.OpMarkNotSent, markNotSentScript, l, reason)
}

// MarkInDoubt records reason on an in-doubt entry. It fails with
// poll.ErrLeaseLost when l is stale and with poll.ErrWrongState when the
// entry is not in doubt.
func (s *Store) MarkInDoubt(ctx context.Context, l poll.Lease, reason string) error {
	return s.fenced(ctx, storerules.OpMarkInDoubt, markInDoubtScript, l, reason)
}

// Accept records receiptID on an in-doubt entry, moves it to accepted and
// ends the lease. It fails with poll.ErrLeaseLost when l is stale and with
// poll.ErrWrongState when the entry is not in doubt.
func (s *Store) Accept(ctx context.Context, l poll.Lease, receiptID string) error {
	return s.fenced(ctx, storerules.OpAccept, acceptScript, l, receiptID)
}

// Release ends the lease without changing the state. It fails with
// poll.ErrLeaseLost when l is stale or already ended, so one owner can
// never release another's claim.
func (s *Store) Release(ctx context.Context, l poll.Lease) error {
	return s.fenced(ctx, storerules.OpRelease, releaseScript, l)
}

// Finish marks an accepted or in-doubt push finished with outcome and ends
// any lease on it. Finishing a finished push again succeeds and keeps the
// first outcome. It fails with poll.ErrWrongState for a pending push or an
// unknown key.
func (s *Store) Finish(ctx context.Context, key poll.Key, outcome string) error {
	answer, err := finishScript.Run(ctx, s.rdb, s.keys(key), outcome,
		micros(s.now())).Text()
	if err != nil {
		return fmt.Errorf("redisstore: finish %s: %w", storerules.KeyString(key), err)
	}
	return scriptError("finish", key, 0, answer)
}

// fenced runs a fenced script for l with ARGV fence, now, then args.
func (s *Store) fenced(ctx context.Context, op string, script *redis.Script, l poll.Lease,
	args ...any) error {
	argv := append([]any{strconv.FormatInt(l.Fence, 10), micros(s.now())}, args...)
	answer, err := script.Run(ctx, s.rdb, s.keys(l.Key), argv...).Text()
	if err != nil {
		return fmt.Errorf("redisstore: %s %s: %w", op, storerules.KeyString(l.Key), err)
	}
	return scriptError(op, l.Key, l.Fence, answer)
}

// Get returns the entry for key; ok is false when there is none.
func (s *Store) Get(ctx context.Context, key poll.Key) (poll.Entry, bool, error) {
	h, err := s.rdb.HGetAll(ctx, s.entryKey(key)).Result()
	if err != nil {
		return poll.Entry{}, false, fmt.Errorf("redisstore: get %s: %w",
			storerules.KeyString(key), err)
	}
	if len(h) == 0 {
		return poll.Entry{}, false, nil
	}
	e, err := parseEntry(h)
	if err != nil {
		return poll.Entry{}, false, fmt.Errorf("redisstore: get %s: %w",
			storerules.KeyString(key), err)
	}
	return e, true, nil
}

// List returns flow's entries in state, oldest update first, at most limit
// (0 for no limit). It reads the state's index, then the entries in one
// pipeline; an entry that changed state in between is left out.
func (s *Store) List(ctx context.Context, flow string, state poll.PushState,
	limit int) ([]poll.Entry, error) {
	stop := int64(-1)
	if limit > 0 {
		stop = int64(limit) - 1
	}
	members, err := s.rdb.ZRange(ctx, s.indexKey(flow, state), 0, stop).Result()
	if err != nil {
		return nil, fmt.Errorf("redisstore: list %s %s: %w", flow, state, err)
	}
	if len(members) == 0 {
		return nil, nil
	}

	cmds := make([]*redis.MapStringStringCmd, len(members))
	_, err = s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, m := range members {
			cmds[i] = p.HGetAll(ctx, m)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("redisstore: list %s %s: %w", flow, state, err)
	}

	entries := make([]poll.Entry, 0, len(members))
	for _, cmd := range cmds {
		h := cmd.Val()
		if len(h) == 0 || poll.PushState(h["state"]) != state {
			continue
		}
		e, err := parseEntry(h)
		if err != nil {
			return nil, fmt.Errorf("redisstore: list %s %s: %w", flow, state, err)
		}
		entries = append(entries, e)
	}
	return entries, nil
}
