package statemachine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/statemachine"
)

// flowRow is one expected transition, written with the Chinese labels the
// host's UI shows, so that the tests check the labels as well as the table.
type flowRow struct {
	from, event, to string
	// facts are handed to Fire; nil for unguarded rows.
	facts any
	// bump says the row starts the next revision.
	bump bool
}

// flowSpec is what a flow must be, written independently of its table.
type flowSpec[S, E labelled] struct {
	machine *statemachine.Machine[S, E]
	parseS  func(string) (S, error)
	parseE  func(string) (E, error)
	states  []string // every state label
	events  []string // every event label
	rows    []flowRow
}

// check fires every expected row, then every (state, event) pair that is
// not among them, which must be refused as not allowed.
func (f flowSpec[S, E]) check(t *testing.T) {
	t.Helper()
	states := make([]S, len(f.states))
	for i, l := range f.states {
		s, err := f.parseS(l)
		require.NoError(t, err, l)
		assert.Equal(t, l, labelOf(s), "label of %v", s)
		states[i] = s
	}
	events := make([]E, len(f.events))
	for i, l := range f.events {
		e, err := f.parseE(l)
		require.NoError(t, err, l)
		assert.Equal(t, l, labelOf(e), "label of %v", e)
		events[i] = e
	}
	assert.ElementsMatch(t, states, f.machine.States(), "states")
	assert.ElementsMatch(t, events, f.machine.Events(), "events")
	assert.Len(t, f.machine.Transitions(), len(f.rows), "rows in the table")

	allowed := make(map[[2]string]bool)
	for _, r := range f.rows {
		from, err := f.parseS(r.from)
		require.NoError(t, err)
		ev, err := f.parseE(r.event)
		require.NoError(t, err)
		to, err := f.parseS(r.to)
		require.NoError(t, err)
		allowed[[2]string{string(from), string(ev)}] = true

		tr, err := f.machine.Choose(from, ev, r.facts)
		if assert.NoError(t, err, "%s --%s--> %s", r.from, r.event, r.to) {
			assert.Equal(t, to, tr.To, "%s --%s-->", r.from, r.event)
			assert.Equal(t, r.bump, tr.NextRevision, "%s --%s--> revision", r.from, r.event)
			assert.Equal(t, r.bump, f.machine.BumpsRevision(from, ev))
		}
		assert.Contains(t, f.machine.Allowed(from), ev)
	}

	refused := 0
	for _, s := range states {
		for _, e := range events {
			if allowed[[2]string{string(s), string(e)}] {
				continue
			}
			refused++
			_, err := f.machine.Fire(s, e, nil)
			var na *statemachine.ErrEventNotAllowed
			if assert.ErrorAs(t, err, &na, "%s + %s must be refused", s.Label(), e.Label()) {
				assert.Equal(t, s.Label(), na.StateLabel)
				assert.Equal(t, e.Label(), na.EventLabel)
				assert.Equal(t, string(s), na.State)
				assert.Equal(t, string(e), na.Event)
				assert.Contains(t, err.Error(), s.Label())
				assert.Contains(t, err.Error(), e.Label())
			}
			assert.NotContains(t, f.machine.Allowed(s), e)
		}
	}
	assert.Equal(t, len(states)*len(events)-len(allowed), refused)
}

func labelOf(v any) string {
	return v.(interface{ Label() string }).Label()
}

// labelled is what the flows' state and event types are.
type labelled interface {
	~string
	Label() string
}
