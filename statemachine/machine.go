package statemachine

import (
	"errors"
	"fmt"
)

// Transition is one row of a machine's table: in state From, event Event
// leads to state To when Guard holds. Rows with the same From and Event are
// alternatives, tried in table order.
type Transition[S, E comparable] struct {
	From  S
	Event E
	To    S
	// Guard decides whether this row applies to the facts given to Fire.
	// The zero Guard always holds.
	Guard Guard
	// NextRevision says the host increments the record's push revision when
	// it takes this row: the next push of the record is a republication.
	NextRevision bool
}

// Machine is a state machine over states S and events E, defined by a table
// of transitions. It holds no state of its own: Fire computes the next state
// from the one the host read from its database, so the host can write the
// result with a compare-and-set. A Machine is safe for concurrent use.
type Machine[S, E comparable] struct {
	name    string
	table   []Transition[S, E]
	initial []S
	states  []S
	events  []E
	rows    map[pair[S, E]][]int
}

type pair[S, E comparable] struct {
	from  S
	event E
}

// New builds a machine named name (in English, such as "intention") from a
// table of transitions; initial lists the states a record may start in,
// which diagrams mark as entry points.
//
// New refuses an empty name or table, an unguarded row followed by another
// alternative for the same state and event (the later row could never be
// taken), and alternatives that disagree on NextRevision.
func New[S, E comparable](
	name string, table []Transition[S, E], initial ...S,
) (*Machine[S, E], error) {
	if name == "" {
		return nil, errors.New("statemachine: machine name is empty")
	}
	if len(table) == 0 {
		return nil, fmt.Errorf("statemachine: %s: transition table is empty", name)
	}

	m := &Machine[S, E]{
		name:    name,
		table:   append([]Transition[S, E](nil), table...),
		initial: append([]S(nil), initial...),
		rows:    make(map[pair[S, E]][]int),
	}
	seenState := make(map[S]bool)
	seenEvent := make(map[E]bool)
	addState := func(s S) {
		if !seenState[s] {
			seenState[s] = true
			m.states = append(m.states, s)
		}
	}
	for _, s := range initial {
		addState(s)
	}

	for i, t := range m.table {
		k := pair[S, E]{t.From, t.Event}
		if prev := m.rows[k]; len(prev) > 0 {
			last := m.table[prev[len(prev)-1]]
			if last.Guard.Check == nil {
				return nil, fmt.Errorf("statemachine: %s: row %d (%s, %s) follows an "+
					"unguarded alternative and can never be taken",
					name, i, describe(t.From), describe(t.Event))
			}
			if last.NextRevision != t.NextRevision {
				return nil, fmt.Errorf("statemachine: %s: row %d (%s, %s) disagrees with its "+
					"alternatives on NextRevision", name, i, describe(t.From), describe(t.Event))
			}
		}
		m.rows[k] = append(m.rows[k], i)
		addState(t.From)
		addState(t.To)
		if !seenEvent[t.Event] {
			seenEvent[t.Event] = true
			m.events = append(m.events, t.Event)
		}
	}
	return m, nil
}

// MustNew is New for tables fixed in code; it panics when New fails.
func MustNew[S, E comparable](name string, table []Transition[S, E], initial ...S) *Machine[S, E] {
	m, err := New(name, table, initial...)
	if err != nil {
		panic(err)
	}
	return m
}

// Name returns the machine's name, such as "intention".
func (m *Machine[S, E]) Name() string { return m.name }

// Fire returns the state that event leads to from state from, given facts
// for the guards (nil when the rows have none). It changes nothing.
//
// Fire fails with *ErrEventNotAllowed when the table has no row for the
// state and event, and with *ErrGuardRefused when rows exist but no guard
// holds; the latter wraps the guards' own errors.
func (m *Machine[S, E]) Fire(from S, event E, facts any) (S, error) {
	t, err := m.Choose(from, event, facts)
	if err != nil {
		var zero S
		return zero, err
	}
	return t.To, nil
}

// Choose is Fire returning the whole row taken, so that the caller also
// learns whether the transition bumps the revision. It fails as Fire does.
func (m *Machine[S, E]) Choose(from S, event E, facts any) (Transition[S, E], error) {
	rows := m.rows[pair[S, E]{from, event}]
	if len(rows) == 0 {
		return Transition[S, E]{}, m.notAllowed(from, event)
	}

	var reasons []error
	for _, i := range rows {
		t := m.table[i]
		if t.Guard.Check == nil {
			return t, nil
		}
		err := t.Guard.Check(facts)
		if err == nil {
			return t, nil
		}
		reasons = appendDistinct(reasons, err)
	}
	return Transition[S, E]{}, m.refused(from, event, reasons)
}

// BumpsRevision reports whether event, fired in state from, makes the
// record's next push a republication with the next revision. It is false
// when the event is not allowed in that state.
func (m *Machine[S, E]) BumpsRevision(from S, event E) bool {
	rows := m.rows[pair[S, E]{from, event}]
	return len(rows) > 0 && m.table[rows[0]].NextRevision
}

// Allowed returns the events that have at least one row from state from, in
// table order, for a UI to offer. Guards are not evaluated: an allowed event
// may still be refused by Fire for the facts at hand.
func (m *Machine[S, E]) Allowed(from S) []E {
	var out []E
	seen := make(map[E]bool)
	for _, t := range m.table {
		if t.From == from && !seen[t.Event] {
			seen[t.Event] = true
			out = append(out, t.Event)
		}
	}
	return out
}

// States returns every state of the machine: the initial states first, then
// the others in the order the table first names them.
func (m *Machine[S, E]) States() []S { return append([]S(nil), m.states...) }

// Events returns every event of the machine in the order the table first
// names them.
func (m *Machine[S, E]) Events() []E { return append([]E(nil), m.events...) }

// Initial returns the states a record may start in.
func (m *Machine[S, E]) Initial() []S { return append([]S(nil), m.initial...) }

// Transitions returns a copy of the machine's table.
func (m *Machine[S, E]) Transitions() []Transition[S, E] {
	return append([]Transition[S, E](nil), m.table...)
}

// Terminal reports whether no event leads out of state s.
func (m *Machine[S, E]) Terminal(s S) bool {
	for _, t := range m.table {
		if t.From == s {
			return false
		}
	}
	return true
}

// appendDistinct appends err unless an error with the same text is already
// listed, so that alternatives refusing for one shared reason report it once.
func appendDistinct(errs []error, err error) []error {
	for _, e := range errs {
		if e.Error() == err.Error() {
			return errs
		}
	}
	return append(errs, err)
}
