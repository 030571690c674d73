package regplatform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// LineAmount returns unitPrice × qty rounded half-up to 0.01 元, computed on
// decimals, as the contract requires of every item's amount: 126000.50 × 2
// is 252001.00 and 66666.67 × 12 is 800000.04. It returns the unset Money
// when either operand is not set. (A negative product, which no valid
// request holds, rounds half away from zero.)
func LineAmount(unitPrice Money, qty Quantity) Money {
	if !unitPrice.IsSet() || !qty.IsSet() {
		return Money{}
	}
	return Money{d: unitPrice.d.Mul(qty.d).Round(2), set: true}
}

// Encode validates r, then serialises it as the compact JSON body the
// platform receives: fields in struct order, no HTML escaping, no trailing
// line feed. It returns the *ValidationError of r.Validate unchanged, and a
// *ValidationError (field "", label 请求体) when the body would exceed
// MaxBodyBytes, so nothing the platform would refuse is sent. Keep the bytes:
// a resend of the same revision must send them unchanged.
func Encode(r interface{ Validate() error }) ([]byte, error) {
	if r == nil || isNilPointer(r) {
		return nil, fmt.Errorf("regplatform: encode: nil request")
	}
	kind := requestKind(reflect.TypeOf(r))
	if err := r.Validate(); err != nil {
		return nil, err
	}

	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, fmt.Errorf("regplatform: encode %s: %w", kind, err)
	}
	body := bytes.TrimSuffix(buf.Bytes(), []byte("\n"))

	if len(body) > MaxBodyBytes {
		return nil, bodyTooLarge(kind, len(body))
	}
	return body, nil
}

// bodyLabel is the label of failures that concern the whole body.
const bodyLabel = "请求体"

// bodyError is a *ValidationError about the whole request body.
func bodyError(kind, format string, args ...any) *ValidationError {
	return &ValidationError{Kind: kind, Fields: []FieldError{{
		Label:   bodyLabel,
		Message: fmt.Sprintf(format, args...),
	}}}
}

// bodyTooLarge is the *ValidationError of a body of n bytes, over
// MaxBodyBytes.
func bodyTooLarge(kind string, n int) *ValidationError {
	return bodyError(kind, "请求体不得超过%d字节, 实际%d字节", MaxBodyBytes, n)
}

// requestKind names a request type as ValidationError.Kind does.
func requestKind(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t {
	case intentionType:
		return "intention"
	case noticeType:
		return "single_source_notice"
	case planType:
		return "plan_filing"
	}
	if t.Name() == "" {
		return "request"
	}
	return strings.ToLower(t.Name())
}

func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
