package storerules_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

var (
	now   = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	key   = poll.Key{Flow: "intention", SourceID: "YX2026000001", Revision: 1}
	lease = poll.Lease{Key: key, Owner: "engine-a", Fence: 3, Until: now.Add(time.Minute)}
)

// held returns an entry in state held by lease, with body kept when given.
func held(state poll.PushState, body []byte) poll.Entry {
	return poll.Entry{Key: key, State: state, Owner: lease.Owner, Fence: lease.Fence,
		LeaseUntil: lease.Until, Body: body}
}

func TestRefusal(t *testing.T) {
	taken := held(poll.StatePending, nil)
	taken.Fence++
	ended := held(poll.StateInDoubt, []byte(`{}`))
	ended.LeaseUntil = time.Time{}

	cases := []struct {
		name  string
		op    string
		e     poll.Entry
		found bool
		want  error
	}{
		{"no entry", storerules.OpAccept, poll.Entry{}, false, poll.ErrLeaseLost},
		{"taken over", storerules.OpMarkSending, taken, true, poll.ErrLeaseLost},
		{"lease ended", storerules.OpMarkInDoubt, ended, true, poll.ErrLeaseLost},
		{"other body kept", storerules.OpMarkSending, held(poll.StateInDoubt, []byte(`{}`)),
			true, poll.ErrBodyChanged},
		{"empty first body", storerules.OpMarkSending, held(poll.StatePending, nil), true,
			storerules.ErrEmptyBody},
		{"accept on pending", storerules.OpAccept, held(poll.StatePending, nil), true,
			poll.ErrWrongState},
		{"not sent on pending", storerules.OpMarkNotSent, held(poll.StatePending, nil), true,
			poll.ErrWrongState},
		{"sending when finished", storerules.OpMarkSending, held(poll.StateFinished, nil), true,
			poll.ErrWrongState},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.ErrorIs(t, storerules.Refusal(c.op, lease, c.e, c.found), c.want)
		})
	}
}

func TestClaimable(t *testing.T) {
	released := held(poll.StatePending, nil)
	released.LeaseUntil = time.Time{}

	cases := []struct {
		name  string
		e     poll.Entry
		owner string
		at    time.Time
		want  bool
	}{
		{"held by another", held(poll.StatePending, nil), "engine-b", now, false},
		{"held by the claimer", held(poll.StateInDoubt, nil), "engine-a", now, true},
		{"lease ends now", held(poll.StateInDoubt, nil), "engine-b", lease.Until, true},
		{"a nanosecond before", held(poll.StatePending, nil), "engine-b",
			lease.Until.Add(-time.Nanosecond), false},
		{"released", released, "engine-b", now, true},
		{"accepted", held(poll.StateAccepted, nil), "engine-a", lease.Until, false},
		{"finished", held(poll.StateFinished, nil), "engine-a", lease.Until, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, storerules.Claimable(c.e, c.owner, c.at))
		})
	}
}

func TestCheckTTL(t *testing.T) {
	assert.NoError(t, storerules.CheckTTL(time.Nanosecond))
	assert.ErrorIs(t, storerules.CheckTTL(0), storerules.ErrTTL)
	assert.ErrorIs(t, storerules.CheckTTL(-time.Second), storerules.ErrTTL)
}
