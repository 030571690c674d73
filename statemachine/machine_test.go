package statemachine_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/statemachine"
)

// A door is a small machine with plain types (no labels) and a guarded
// event with two alternatives.
type doorState string
type doorEvent string

type doorFacts struct {
	Key    string
	Locked bool
}

var errWrongKey = errors.New("wrong key")

func newDoor(t *testing.T) *statemachine.Machine[doorState, doorEvent] {
	t.Helper()
	hasKey := statemachine.GuardFunc("has_key", "有钥匙", func(f doorFacts) error {
		if f.Key != "brass" {
			return errWrongKey
		}
		return nil
	})
	locked := statemachine.GuardFunc("locked", "已锁", func(f doorFacts) error {
		if !f.Locked {
			return errors.New("not locked")
		}
		return nil
	})
	m, err := statemachine.New("door", []statemachine.Transition[doorState, doorEvent]{
		{From: "closed", Event: "open", To: "open"},
		{From: "open", Event: "close", To: "closed"},
		{From: "closed", Event: "turn", To: "unlocked", Guard: locked},
		{From: "closed", Event: "turn", To: "locked", Guard: hasKey, NextRevision: false},
		{From: "locked", Event: "turn", To: "closed", Guard: hasKey},
	}, "closed")
	require.NoError(t, err)
	return m
}

func TestMachineFire(t *testing.T) {
	m := newDoor(t)
	cases := []struct {
		name  string
		from  doorState
		event doorEvent
		facts any
		want  doorState
	}{
		{"unguarded", "closed", "open", nil, "open"},
		{"first alternative holds", "closed", "turn", doorFacts{Locked: true}, "unlocked"},
		{"first holds even when second would", "closed", "turn",
			doorFacts{Locked: true, Key: "brass"}, "unlocked"},
		{"second alternative holds", "closed", "turn", doorFacts{Key: "brass"}, "locked"},
		{"pointer facts", "locked", "turn", &doorFacts{Key: "brass"}, "closed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := m.Fire(tc.from, tc.event, tc.facts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestMachineEventNotAllowed(t *testing.T) {
	m := newDoor(t)

	to, err := m.Fire("open", "turn", nil)
	assert.Equal(t, doorState(""), to)

	var na *statemachine.ErrEventNotAllowed
	require.ErrorAs(t, err, &na)
	assert.Equal(t, "door", na.Machine)
	assert.Equal(t, "open", na.State)
	assert.Equal(t, "turn", na.Event)
	assert.ErrorIs(t, err, &statemachine.ErrEventNotAllowed{})
	assert.ErrorIs(t, err, &statemachine.ErrEventNotAllowed{Machine: "door", Event: "turn"})
	assert.NotErrorIs(t, err, &statemachine.ErrEventNotAllowed{Event: "open"})
	assert.NotErrorIs(t, err, &statemachine.ErrGuardRefused{})
	assert.Contains(t, err.Error(), `"turn"`)
	assert.Contains(t, err.Error(), "「open」")

	_, err = m.Fire("no such state", "open", nil)
	assert.ErrorIs(t, err, &statemachine.ErrEventNotAllowed{State: "no such state"})
}

func TestMachineGuardRefused(t *testing.T) {
	m := newDoor(t)

	_, err := m.Fire("locked", "turn", doorFacts{Key: "iron"})
	var gr *statemachine.ErrGuardRefused
	require.ErrorAs(t, err, &gr)
	assert.Equal(t, "locked", gr.State)
	assert.Equal(t, "turn", gr.Event)
	assert.ErrorIs(t, err, errWrongKey, "the guard's own error is in the chain")
	assert.ErrorIs(t, err, &statemachine.ErrGuardRefused{Machine: "door"})
	assert.NotErrorIs(t, err, &statemachine.ErrEventNotAllowed{})

	// Both alternatives refuse, each for its own reason.
	_, err = m.Fire("closed", "turn", doorFacts{})
	require.ErrorAs(t, err, &gr)
	require.Len(t, gr.Reasons, 2)
	assert.EqualError(t, gr.Reasons[0], "not locked")
	assert.ErrorIs(t, err, errWrongKey)
}

func TestMachineGuardReasonsDeduplicated(t *testing.T) {
	shared := func(string) error { return errors.New("supplier not in library") }
	m, err := statemachine.New("dedupe", []statemachine.Transition[string, string]{
		{From: "a", Event: "go", To: "b", Guard: statemachine.GuardFunc("x", "", shared)},
		{From: "a", Event: "go", To: "c", Guard: statemachine.GuardFunc("y", "", shared)},
	}, "a")
	require.NoError(t, err)

	_, err = m.Fire("a", "go", "facts")
	var gr *statemachine.ErrGuardRefused
	require.ErrorAs(t, err, &gr)
	assert.Len(t, gr.Reasons, 1)
}

func TestMachineFactsType(t *testing.T) {
	m := newDoor(t)
	cases := []struct {
		name  string
		facts any
	}{
		{"nil", nil},
		{"other type", "brass"},
		{"nil pointer", (*doorFacts)(nil)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := m.Fire("locked", "turn", tc.facts)
			assert.ErrorIs(t, err, statemachine.ErrFactsType)
			var fe *statemachine.FactsTypeError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, "has_key", fe.Guard)
			assert.Equal(t, "statemachine_test.doorFacts", fe.Want)
		})
	}
}

func TestMachineChooseAndRevision(t *testing.T) {
	m, err := statemachine.New("rev", []statemachine.Transition[string, string]{
		{From: "failed", Event: "push", To: "sending", NextRevision: true},
		{From: "draft", Event: "push", To: "sending"},
	}, "draft")
	require.NoError(t, err)

	tr, err := m.Choose("failed", "push", nil)
	require.NoError(t, err)
	assert.Equal(t, "sending", tr.To)
	assert.True(t, tr.NextRevision)
	assert.True(t, m.BumpsRevision("failed", "push"))
	assert.False(t, m.BumpsRevision("draft", "push"))
	assert.False(t, m.BumpsRevision("sending", "push"), "not allowed: no bump")
}

func TestMachineIntrospection(t *testing.T) {
	m := newDoor(t)

	assert.Equal(t, "door", m.Name())
	assert.Equal(t, []doorState{"closed", "open", "unlocked", "locked"}, m.States())
	assert.Equal(t, []doorEvent{"open", "close", "turn"}, m.Events())
	assert.Equal(t, []doorState{"closed"}, m.Initial())
	assert.Equal(t, []doorEvent{"open", "turn"}, m.Allowed("closed"))
	assert.Equal(t, []doorEvent{"turn"}, m.Allowed("locked"))
	assert.Empty(t, m.Allowed("unlocked"))
	assert.True(t, m.Terminal("unlocked"))
	assert.False(t, m.Terminal("locked"))
	assert.Len(t, m.Transitions(), 5)

	// Returned slices are copies.
	m.States()[0] = "mutated"
	assert.Equal(t, doorState("closed"), m.States()[0])
}

func TestNewRefusesBadTables(t *testing.T) {
	g := statemachine.GuardFunc("g", "", func(string) error { return nil })
	cases := []struct {
		name  string
		mname string
		table []statemachine.Transition[string, string]
	}{
		{"empty name", "", []statemachine.Transition[string, string]{
			{From: "a", Event: "e", To: "b"},
		}},
		{"empty table", "m", nil},
		{"unreachable alternative", "m", []statemachine.Transition[string, string]{
			{From: "a", Event: "e", To: "b"},
			{From: "a", Event: "e", To: "c", Guard: g},
		}},
		{"alternatives disagree on revision", "m", []statemachine.Transition[string, string]{
			{From: "a", Event: "e", To: "b", Guard: g},
			{From: "a", Event: "e", To: "c", NextRevision: true},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := statemachine.New(tc.mname, tc.table, "a")
			assert.Error(t, err)
			assert.Panics(t, func() { statemachine.MustNew(tc.mname, tc.table, "a") })
		})
	}
}

func TestMermaidDeterministic(t *testing.T) {
	m := newDoor(t)
	want := "stateDiagram-v2\n" +
		"    state \"closed\" as closed\n" +
		"    state \"open\" as open\n" +
		"    state \"unlocked\" as unlocked\n" +
		"    state \"locked\" as locked\n" +
		"    [*] --> closed\n" +
		"    closed --> open: open\n" +
		"    open --> closed: close\n" +
		"    closed --> unlocked: turn [已锁]\n" +
		"    closed --> locked: turn [有钥匙]\n" +
		"    locked --> closed: turn [有钥匙]\n"
	assert.Equal(t, want, m.Mermaid())
	assert.Equal(t, m.Mermaid(), newDoor(t).Mermaid())
}

func TestMermaidIDsAreSafeAndUnique(t *testing.T) {
	m, err := statemachine.New("ids", []statemachine.Transition[string, string]{
		{From: "a b", Event: "x: y", To: "a_b"},
		{From: "a_b", Event: "e", To: "1st"},
	}, "a b")
	require.NoError(t, err)
	want := "stateDiagram-v2\n" +
		"    state \"a b\" as a_b\n" +
		"    state \"a_b\" as a_b_1\n" +
		"    state \"1st\" as s_1st\n" +
		"    [*] --> a_b\n" +
		"    a_b --> a_b_1: x： y\n" +
		"    a_b_1 --> s_1st: e\n"
	assert.Equal(t, want, m.Mermaid())
}
