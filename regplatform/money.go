package regplatform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"

	"github.com/shopspring/decimal"
)

// ErrMoneyFormat reports a money text that is not written as a decimal
// number of 元 with at most two fractional digits (or, on the wire, not in
// the wire form). It never reports the range: Validate does.
var ErrMoneyFormat = errors.New("regplatform: malformed money")

// ErrQuantityFormat reports a quantity text that is not written as a
// decimal number with at most four fractional digits (or, on the wire, not
// in shortest form). It never reports the range: Validate does.
var ErrQuantityFormat = errors.New("regplatform: malformed quantity")

var (
	moneyLoose = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,2})?$`)
	// The wire form has no leading zeros, so that one amount has one
	// spelling and resends compare equal as strings.
	moneyWire = regexp.MustCompile(`^-?(0|[1-9][0-9]*)\.[0-9]{2}$`)
	qtyLoose  = regexp.MustCompile(`^-?[0-9]+(\.[0-9]{1,4})?$`)
	// A decimal whose only fault can be too many fractional digits.
	manyDecimals = regexp.MustCompile(`^-?[0-9]+\.[0-9]+$`)
	maxMoney     = decimal.New(1, 12) // 1 000 000 000 000 元, exclusive
)

// Money is an amount of 元 with exactly two fractional digits, as the
// contract's *_amount and unit_price fields carry it. It is never a float.
//
// The zero Money is "not set": it marshals to the empty string and Validate
// methods report it as missing. On the wire Money is a JSON string such as
// "4000000.00"; a JSON number, or a string with other than two fractional
// digits, is refused when decoding.
//
// A Money may hold any amount written in that form, zero and negative ones
// included. The contract's range (greater than 0, below 10^12 元) is checked
// by Validate, so that the failure names the field, and by InRange; neither
// ParseMoney nor decoding checks it.
type Money struct {
	d   decimal.Decimal
	set bool
}

// ParseMoney parses the written form of an amount of 元: digits, optionally
// a point and one or two digits, after an optional "-", such as "4000000",
// "0.5" or "1234.56". It checks the form only: "0" and "-1" parse, and
// Validate refuses them for the field that holds them. It refuses a third
// fractional digit rather than rounding, and a "+", white space, an
// exponent or a grouping comma, with an error wrapping ErrMoneyFormat.
func ParseMoney(s string) (Money, error) {
	if !moneyLoose.MatchString(s) {
		return Money{}, formError(ErrMoneyFormat, s, "two", `"1234.56"`)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Money{}, formError(ErrMoneyFormat, s, "two", `"1234.56"`)
	}
	return Money{d: d.Round(2), set: true}, nil
}

// MustMoney is ParseMoney for constants in code and tests; it panics on a
// malformed amount.
func MustMoney(s string) Money {
	m, err := ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// MoneyFromDecimal converts d to Money, refusing a value that would need
// rounding to fit two fractional digits.
func MoneyFromDecimal(d decimal.Decimal) (Money, error) {
	if !d.Equal(d.Round(2)) {
		return Money{}, fmt.Errorf("%w %s: more than two fractional digits",
			ErrMoneyFormat, d.String())
	}
	return Money{d: d.Round(2), set: true}, nil
}

// Decimal returns the amount as a decimal; the zero decimal when not set.
func (m Money) Decimal() decimal.Decimal { return m.d }

// IsSet reports whether the amount was given.
func (m Money) IsSet() bool { return m.set }

// InRange reports whether the amount lies in the contract's range: greater
// than 0 and below 1 000 000 000 000 元.
func (m Money) InRange() bool {
	return m.set && m.d.IsPositive() && m.d.LessThan(maxMoney)
}

// Equal reports whether two amounts are the same number of 元.
func (m Money) Equal(o Money) bool { return m.set == o.set && m.d.Equal(o.d) }

// Add returns m + o. An unset operand counts as zero.
func (m Money) Add(o Money) Money { return Money{d: m.d.Add(o.d), set: true} }

// String returns the wire form, two fractional digits ("1234.50"), or the
// empty string when not set.
func (m Money) String() string {
	if !m.set {
		return ""
	}
	return m.d.StringFixed(2)
}

// MarshalJSON writes the amount as a JSON string with two fractional digits.
func (m Money) MarshalJSON() ([]byte, error) {
	return json.Marshal(m.String())
}

// UnmarshalJSON reads a JSON string with exactly two fractional digits and
// no leading zeros ("0.50", not "00.50"); the empty string leaves the
// amount unset.
func (m *Money) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b, "money")
	if err != nil {
		return err
	}
	if s == "" {
		*m = Money{}
		return nil
	}
	if !moneyWire.MatchString(s) {
		return fmt.Errorf(`%w %q: want exactly two fractional digits and no leading zero, `+
			`such as "4000000.00"`, ErrMoneyFormat, s)
	}
	v, err := ParseMoney(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Quantity is a decimal count with at most four fractional digits. On the
// wire it is a JSON string in its shortest form: "1", "2.5", never "2.50" or
// "01". The zero Quantity is "not set".
//
// The contract requires a quantity greater than 0. That range is checked by
// Validate, so that the failure names the field; ParseQuantity and decoding
// check the written form only, and a Quantity may hold 0 or a negative
// count.
type Quantity struct {
	d   decimal.Decimal
	set bool
}

// ParseQuantity parses the written form of a quantity: digits, optionally a
// point and one to four digits, after an optional "-", such as "2", "2.5" or
// "2.50", and keeps it in its shortest form ("2.5"). It checks the form
// only: "0" and "-1" parse, and Validate refuses them for the field that
// holds them. It refuses a fifth fractional digit, a "+", white space or an
// exponent, with an error wrapping ErrQuantityFormat.
func ParseQuantity(s string) (Quantity, error) {
	if !qtyLoose.MatchString(s) {
		return Quantity{}, formError(ErrQuantityFormat, s, "four", `"2.5"`)
	}
	d, err := decimal.NewFromString(s)
	if err != nil {
		return Quantity{}, formError(ErrQuantityFormat, s, "four", `"2.5"`)
	}
	return Quantity{d: d, set: true}, nil
}

// MustQuantity is ParseQuantity for constants; it panics on a malformed text.
func MustQuantity(s string) Quantity {
	q, err := ParseQuantity(s)
	if err != nil {
		panic(err)
	}
	return q
}

// Decimal returns the quantity as a decimal; the zero decimal when not set.
func (q Quantity) Decimal() decimal.Decimal { return q.d }

// IsSet reports whether the quantity was given.
func (q Quantity) IsSet() bool { return q.set }

// String returns the shortest form ("2.5"), or "" when not set.
func (q Quantity) String() string {
	if !q.set {
		return ""
	}
	return q.d.String()
}

// MarshalJSON writes the quantity as a JSON string in its shortest form.
func (q Quantity) MarshalJSON() ([]byte, error) {
	return json.Marshal(q.String())
}

// UnmarshalJSON reads a JSON string that must already be in shortest form;
// the empty string leaves the quantity unset.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b, "quantity")
	if err != nil {
		return err
	}
	if s == "" {
		*q = Quantity{}
		return nil
	}
	v, err := ParseQuantity(s)
	if err != nil {
		return err
	}
	if v.String() != s {
		return fmt.Errorf("%w %q: not in shortest form, write %q", ErrQuantityFormat, s,
			v.String())
	}
	*q = v
	return nil
}

// formError is the error of parsing s, a text not in the written form of
// class: too many fractional digits when that is its only fault, else the
// form expected. digits is the most fractional digits the form allows.
func formError(class error, s, digits, example string) error {
	if manyDecimals.MatchString(s) {
		return fmt.Errorf("%w %q: more than %s fractional digits", class, s, digits)
	}
	return fmt.Errorf("%w %q: want digits, optionally a point and up to %s digits, such as %s",
		class, s, digits, example)
}

// jsonString decodes b as a JSON string, refusing numbers and other kinds so
// that an amount never passes through a float.
func jsonString(b []byte, what string) (string, error) {
	b = bytes.TrimSpace(b)
	if len(b) == 0 || b[0] != '"' {
		return "", fmt.Errorf("regplatform: %s must be a JSON string, got %s", what, truncate(b))
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return "", fmt.Errorf("regplatform: decode %s: %w", what, err)
	}
	return s, nil
}

func truncate(b []byte) string {
	const max = 32
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}
