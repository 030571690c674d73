package statemachine

import (
	"errors"
	"fmt"
)

// ErrUnknownLabel reports a text that names no state or event of a flow,
// neither by its Chinese label nor by its English name. Match it with
// errors.Is.
var ErrUnknownLabel = errors.New("statemachine: unknown state or event")

// labels maps the values of one flow's state or event type to their Chinese
// labels. Each flow keeps one such table per type, beside its transitions.
type labels[T ~string] map[T]string

// of returns v's label, or "" for a value the flow does not define.
func (l labels[T]) of(v T) string { return l[v] }

// parse finds the value whose label or English name is s. aliases maps
// other texts a host may store (older wording) to values.
func (l labels[T]) parse(flow, kind, s string, aliases map[string]T) (T, error) {
	if _, ok := l[T(s)]; ok {
		return T(s), nil
	}
	for v, label := range l {
		if label == s {
			return v, nil
		}
	}
	if v, ok := aliases[s]; ok {
		return v, nil
	}
	return "", fmt.Errorf("%w: %s has no %s %q", ErrUnknownLabel, flow, kind, s)
}
