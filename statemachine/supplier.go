package statemachine

import (
	"context"
	"errors"
	"fmt"

	"github.com/zcbridge/zcbridge/regplatform"
)

// SupplierRule is the supplier rule of single-source notices, as error texts
// name it: the supplier comes from the supplier library and carries a valid
// 统一社会信用代码.
const SupplierRule = "单一来源供应商须来自供应商库且统一社会信用代码有效"

// ErrSupplierIneligible is the class of every breach of the supplier rule.
// Match it with errors.Is; the error is a *SupplierError.
var ErrSupplierIneligible = errors.New("statemachine: supplier is not eligible")

// ErrSupplierNotFound is what a SupplierLibrary returns, possibly wrapped,
// when it has no such supplier.
var ErrSupplierNotFound = errors.New("statemachine: supplier not in the library")

// LibrarySupplier is an entry of the host's supplier library (供应商库).
type LibrarySupplier struct {
	// ID is the library's own key.
	ID string
	// Name is 供应商名称.
	Name string
	// CreditCode is the 统一社会信用代码 the library holds.
	CreditCode string
}

// SupplierRef names a supplier to look up: by the library's ID when set,
// otherwise by CreditCode.
type SupplierRef struct {
	ID         string
	CreditCode string
}

// SupplierLibrary is the host's supplier library. FindSupplier returns the
// entry ref names, or an error wrapping ErrSupplierNotFound when there is
// none; any other error is a failed lookup, which the caller may retry.
type SupplierLibrary interface {
	FindSupplier(ctx context.Context, ref SupplierRef) (LibrarySupplier, error)
}

// SupplierLibraryFunc adapts a function to SupplierLibrary.
type SupplierLibraryFunc func(ctx context.Context, ref SupplierRef) (LibrarySupplier, error)

// FindSupplier calls f.
func (f SupplierLibraryFunc) FindSupplier(
	ctx context.Context, ref SupplierRef,
) (LibrarySupplier, error) {
	return f(ctx, ref)
}

// SupplierError says how a supplier breaks the supplier rule.
type SupplierError struct {
	// CreditCode is the code the notice carries.
	CreditCode string
	// Reason says what is wrong, in English.
	Reason string
	// Err is the credit-code check's error, when that is what failed.
	Err error
}

// Error names the supplier rule, the supplier's credit code and the reason.
func (e *SupplierError) Error() string {
	msg := fmt.Sprintf("statemachine: supplier rule (%s): supplier %q: %s",
		SupplierRule, e.CreditCode, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

// Is makes errors.Is(err, ErrSupplierIneligible) true.
func (e *SupplierError) Is(target error) bool { return target == ErrSupplierIneligible }

// Unwrap returns the credit-code check's error, if any.
func (e *SupplierError) Unwrap() error { return e.Err }

// CheckSupplier applies the supplier rule to the library entry found for a
// notice's supplier (nil when the library has none) and the credit code on
// the notice. It returns nil when the entry exists, its credit code passes
// regplatform.CheckCreditCode, and the notice carries that same code;
// otherwise a *SupplierError.
func CheckSupplier(entry *LibrarySupplier, noticeCreditCode string) error {
	fail := func(reason string, err error) error {
		return &SupplierError{CreditCode: noticeCreditCode, Reason: reason, Err: err}
	}
	switch {
	case entry == nil:
		return fail("not in the supplier library", nil)
	case entry.CreditCode == "":
		return fail("the library entry has no 统一社会信用代码", nil)
	}
	if err := regplatform.CheckCreditCode(entry.CreditCode); err != nil {
		return fail("the library's 统一社会信用代码 is invalid", err)
	}
	if noticeCreditCode != entry.CreditCode {
		return fail(fmt.Sprintf("the notice's code differs from the library's %q",
			entry.CreditCode), nil)
	}
	return nil
}

// LookupSupplier asks lib for ref and returns the entry, or nil when the
// library has none. It fails only when the lookup itself fails.
func LookupSupplier(
	ctx context.Context, lib SupplierLibrary, ref SupplierRef,
) (*LibrarySupplier, error) {
	s, err := lib.FindSupplier(ctx, ref)
	switch {
	case errors.Is(err, ErrSupplierNotFound):
		return nil, nil
	case err != nil:
		return nil, fmt.Errorf("statemachine: look up supplier: %w", err)
	}
	return &s, nil
}
