package statemachine

import (
	"fmt"
	"strings"
)

// ErrEventNotAllowed reports an event that the table does not allow in a
// state, such as 修改 on an intention that is 已公开. Match it with
// errors.As; errors.Is with a *ErrEventNotAllowed target matches when every
// non-empty field of the target equals the error's, so
// errors.Is(err, &ErrEventNotAllowed{}) matches any of them.
type ErrEventNotAllowed struct {
	// Machine is the machine's name, such as "intention".
	Machine string
	// State and Event are the English names; StateLabel and EventLabel
	// the Chinese labels ("" for types without a Label method).
	State, StateLabel string
	Event, EventLabel string
}

// Error names the state and the event in English and in Chinese.
func (e *ErrEventNotAllowed) Error() string {
	return fmt.Sprintf("statemachine: %s: event %s is not allowed in state %s (%s)",
		e.Machine, quoteName(e.Event, e.EventLabel), quoteName(e.State, e.StateLabel),
		zh("状态", e.StateLabel, e.State)+"下不能"+zh("", e.EventLabel, e.Event))
}

// Is matches a *ErrEventNotAllowed target whose non-empty fields all equal
// this error's.
func (e *ErrEventNotAllowed) Is(target error) bool {
	t, ok := target.(*ErrEventNotAllowed)
	return ok && match(t.Machine, e.Machine) && match(t.State, e.State) &&
		match(t.Event, e.Event) && match(t.StateLabel, e.StateLabel) &&
		match(t.EventLabel, e.EventLabel)
}

// ErrGuardRefused reports an event the table allows in a state but whose
// every alternative's guard refused the facts, such as 审批通过 for a notice
// whose supplier is not in the supplier library. The guards' own errors are
// in Reasons and reachable with errors.Is and errors.As through the chain.
type ErrGuardRefused struct {
	// Machine is the machine's name, such as "single_source".
	Machine string
	// State and Event are the English names; StateLabel and EventLabel
	// the Chinese labels ("" for types without a Label method).
	State, StateLabel string
	Event, EventLabel string
	// Reasons holds each alternative's refusal, one per distinct text, in
	// table order.
	Reasons []error
}

// Error names the state and the event in English and in Chinese, then the
// guards' reasons.
func (e *ErrGuardRefused) Error() string {
	reasons := make([]string, len(e.Reasons))
	for i, r := range e.Reasons {
		reasons[i] = r.Error()
	}
	return fmt.Sprintf("statemachine: %s: event %s refused in state %s (%s): %s",
		e.Machine, quoteName(e.Event, e.EventLabel), quoteName(e.State, e.StateLabel),
		zh("状态", e.StateLabel, e.State)+"下"+zh("", e.EventLabel, e.Event)+"的条件不满足",
		strings.Join(reasons, "; "))
}

// Unwrap returns the guards' reasons, for errors.Is and errors.As.
func (e *ErrGuardRefused) Unwrap() []error { return e.Reasons }

// Is matches a *ErrGuardRefused target whose non-empty fields (Reasons
// aside) all equal this error's.
func (e *ErrGuardRefused) Is(target error) bool {
	t, ok := target.(*ErrGuardRefused)
	return ok && match(t.Machine, e.Machine) && match(t.State, e.State) &&
		match(t.Event, e.Event) && match(t.StateLabel, e.StateLabel) &&
		match(t.EventLabel, e.EventLabel)
}

func (m *Machine[S, E]) notAllowed(from S, event E) error {
	return &ErrEventNotAllowed{
		Machine: m.name,
		State:   fmt.Sprint(from), StateLabel: labelOf(from),
		Event: fmt.Sprint(event), EventLabel: labelOf(event),
	}
}

func (m *Machine[S, E]) refused(from S, event E, reasons []error) error {
	return &ErrGuardRefused{
		Machine: m.name,
		State:   fmt.Sprint(from), StateLabel: labelOf(from),
		Event: fmt.Sprint(event), EventLabel: labelOf(event),
		Reasons: reasons,
	}
}

// labeler is what the flows' state and event types implement.
type labeler interface{ Label() string }

// labelOf returns v's Chinese label, or "" when v has none.
func labelOf(v any) string {
	if l, ok := v.(labeler); ok {
		return l.Label()
	}
	return ""
}

// describe returns `"name" (label)` for messages built from raw values.
func describe(v any) string { return quoteName(fmt.Sprint(v), labelOf(v)) }

func quoteName(name, label string) string {
	if label == "" {
		return fmt.Sprintf("%q", name)
	}
	return fmt.Sprintf("%q (%s)", name, label)
}

// zh returns the Chinese label in corner brackets, or the name when there is
// no label, after prefix.
func zh(prefix, label, name string) string {
	if label == "" {
		label = name
	}
	return prefix + "「" + label + "」"
}

func match(want, got string) bool { return want == "" || want == got }
