package statemachine

import (
	"errors"
	"fmt"
)

// Guard is the condition of a transition row. Check returns nil when the row
// applies to the facts and an error saying why not otherwise; that error is
// what *ErrGuardRefused wraps. The zero Guard has no condition.
type Guard struct {
	// Name names the condition in English, such as "reportable".
	Name string
	// Label names the condition in Chinese for diagrams, such as "达到限额".
	Label string
	// Check decides the condition; nil means the row always applies.
	Check func(facts any) error
}

// ErrFactsType reports facts of a type a guard does not take. Match it with
// errors.Is; the error is a *FactsTypeError.
var ErrFactsType = errors.New("statemachine: facts of the wrong type")

// FactsTypeError reports the type a guard wanted and the one it was given.
type FactsTypeError struct {
	// Guard is the guard's English name.
	Guard string
	// Want and Got are Go type names, such as "statemachine.PlanApproval".
	Want, Got string
}

// Error says which guard wanted which facts.
func (e *FactsTypeError) Error() string {
	return fmt.Sprintf("statemachine: guard %q needs facts of type %s, got %s",
		e.Guard, e.Want, e.Got)
}

// Is makes errors.Is(err, ErrFactsType) true.
func (e *FactsTypeError) Is(target error) bool { return target == ErrFactsType }

// GuardFunc builds a Guard whose check takes facts of type F. Fire may be
// given an F or a non-nil *F; anything else refuses the row with a
// *FactsTypeError, so a mistyped call fails loudly instead of passing.
func GuardFunc[F any](name, label string, check func(F) error) Guard {
	return Guard{
		Name:  name,
		Label: label,
		Check: func(facts any) error {
			switch f := facts.(type) {
			case F:
				return check(f)
			case *F:
				if f != nil {
					return check(*f)
				}
			}
			return &FactsTypeError{
				Guard: name,
				Want:  fmt.Sprintf("%T", *new(F)),
				Got:   fmt.Sprintf("%T", facts),
			}
		},
	}
}
