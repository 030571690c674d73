package regplatform

import (
	"errors"
	"strings"
)

// ErrValidation is the class of every validation failure: a request that
// Validate refused before sending, or a 1001/1002 answer from the platform.
// Match it with errors.Is.
var ErrValidation = errors.New("regplatform: validation failed")

// FieldError is one failing field of a request.
type FieldError struct {
	// Field is the JSON path, such as "items[0].budget_amount".
	Field string
	// Label is the field's Chinese name, such as "预算金额(元)".
	Label string
	// Message says what rule the value breaks.
	Message string
}

// String returns "items[0].budget_amount (预算金额(元)): message"; for the
// body as a whole, which has no path, "请求体: message".
func (f FieldError) String() string {
	switch {
	case f.Field == "" && f.Label == "":
		return f.Message
	case f.Field == "":
		return f.Label + ": " + f.Message
	case f.Label == "":
		return f.Field + ": " + f.Message
	}
	return f.Field + " (" + f.Label + "): " + f.Message
}

// ValidationError lists every failing field of a request. Validate methods
// return it; errors.Is(err, ErrValidation) holds for it.
type ValidationError struct {
	// Kind names the request, such as "intention".
	Kind   string
	Fields []FieldError
}

// Error lists every failing field on one line.
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString("regplatform: invalid ")
	b.WriteString(e.Kind)
	b.WriteString(": ")
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	return b.String()
}

// Is makes errors.Is(err, ErrValidation) true.
func (e *ValidationError) Is(target error) bool { return target == ErrValidation }
