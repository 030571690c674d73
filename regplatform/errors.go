package regplatform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Error classes of §3, matched with errors.Is against an *APIError.
// ErrValidation (1001, 1002) is declared with the validation errors.
var (
	// ErrAuth is the class of 2001, 2002, 2004 and 2005: a bad signature,
	// a clock off by more than 15 minutes, an unknown AppKey or a record of
	// another school. None is retried.
	ErrAuth = errors.New("regplatform: authentication refused")
	// ErrReplay is 2003: the platform has seen the nonce. The client
	// retries it with a new nonce.
	ErrReplay = errors.New("regplatform: nonce replayed")
	// ErrConflict is the class of 3001 and 3002: a revision pushed again
	// with another body, or a push the record's state does not allow.
	ErrConflict = errors.New("regplatform: conflict")
	// ErrNotFound is 3003: the platform has no such record.
	ErrNotFound = errors.New("regplatform: not found")
	// ErrRateLimited is 4290: too many requests; RetryAfter says how long
	// the platform asks the client to wait.
	ErrRateLimited = errors.New("regplatform: rate limited")
	// ErrUnavailable is the class of 5000 and 5030: an internal error or
	// maintenance on the platform.
	ErrUnavailable = errors.New("regplatform: platform unavailable")
	// ErrMalformedResponse is the class of answers the client cannot read:
	// not a §3 envelope (a gateway's HTML page, an empty or truncated
	// body), or an envelope whose data does not decode. It is always
	// wrapped in a *TransportError that reports MaybeSent.
	ErrMalformedResponse = errors.New("regplatform: malformed response")
)

// APIError is an answer of the platform with a code other than "0000". Its
// text carries the code, message and request id, never a secret.
type APIError struct {
	// Code is the §3 code, such as "1001".
	Code string
	// Message is the platform's message, such as "参数校验失败".
	Message string
	// HTTPStatus is the status of the answer, such as 400.
	HTTPStatus int
	// RequestID is the platform's request_id, "" when it sent none.
	RequestID string
	// Fields lists the fields the platform refused (data.errors of a 1001,
	// or of a 1002 that names them). Label is filled from the request type
	// when the path is known.
	Fields []FieldError
	// RetryAfter is the platform's Retry-After hint (4290, 5030), zero
	// when it sent none.
	RetryAfter time.Duration
	// ServerStringToSign is the string to sign the platform computed, from
	// the X-Ca-Error-Message header of a 2001 answer with each "\n"
	// written "#". Only the sandbox and the mock send it; it holds no
	// secret and helps find a signing mismatch.
	ServerStringToSign string

	hasRetryAfter bool
}

// Error returns "regplatform: <code> <message> (HTTP <status>, request_id
// <id>)" followed by the refused fields, if any.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "regplatform: %s %s (HTTP %d, request_id %s)",
		e.Code, e.Message, e.HTTPStatus, e.RequestID)
	for i, f := range e.Fields {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(f.String())
	}
	if e.ServerStringToSign != "" {
		b.WriteString("; server string to sign: ")
		b.WriteString(e.ServerStringToSign)
	}
	return b.String()
}

// Is maps the code to its class: ErrValidation, ErrAuth, ErrReplay,
// ErrConflict, ErrNotFound, ErrRateLimited or ErrUnavailable. A code the
// contract does not list matches none of them.
func (e *APIError) Is(target error) bool {
	class := codeClass(e.Code)
	return class != nil && target == class
}

func codeClass(code string) error {
	switch code {
	case CodeInvalidParams, CodeMalformedBody:
		return ErrValidation
	case CodeBadSignature, CodeClockSkew, CodeBadAppKey, CodeForbidden:
		return ErrAuth
	case CodeNonceReplay:
		return ErrReplay
	case CodeBodyMismatch, CodeStateConflict:
		return ErrConflict
	case CodeNotFound:
		return ErrNotFound
	case CodeRateLimited:
		return ErrRateLimited
	case CodeInternal, CodeMaintenance:
		return ErrUnavailable
	}
	return nil
}

// TransportError is a request that got no readable answer: it could not be
// sent, the connection failed or timed out, or the answer was not an
// envelope (then Err wraps ErrMalformedResponse).
type TransportError struct {
	// Op is the request, such as "POST /v1/intentions".
	Op string
	// MaybeSent is true when the request may have reached the platform: it
	// was written before the failure, or an answer came back. It is false
	// only when the request certainly never left (dial, DNS, refused).
	MaybeSent bool
	// Err is the cause.
	Err error
}

// Error returns "regplatform: <op>: <cause>", adding whether the request may
// have been sent.
func (e *TransportError) Error() string {
	state := "not sent"
	if e.MaybeSent {
		state = "may have been sent"
	}
	return fmt.Sprintf("regplatform: %s (%s): %v", e.Op, state, e.Err)
}

// Unwrap returns the cause.
func (e *TransportError) Unwrap() error { return e.Err }

// sentEarlierError marks a final error after an earlier attempt that may
// have reached the platform, so MaybeSent stays true whatever the last
// attempt says.
type sentEarlierError struct{ err error }

func (e *sentEarlierError) Error() string {
	return e.err.Error() + " (an earlier attempt may have reached the platform)"
}

func (e *sentEarlierError) Unwrap() error { return e.err }

// MaybeSent reports whether the request behind err may have reached the
// platform, so that a push's outcome is unknown and must be reconciled by
// reading its result: a transport failure after the request was written, an
// answer that is not an envelope, a 5xx answer, or any of these on an
// earlier attempt of the same call. It is false for errors where the request
// certainly was not taken: it was never written (dial, DNS, connection
// refused), it was refused before sending (validation), or the platform
// answered with a 4xx envelope.
func MaybeSent(err error) bool {
	var early *sentEarlierError
	if errors.As(err, &early) {
		return true
	}
	var te *TransportError
	if errors.As(err, &te) && te.MaybeSent {
		return true
	}
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.HTTPStatus >= 500 || codeClass(ae.Code) == ErrUnavailable
	}
	return false
}

// RetryAfter returns the Retry-After hint the platform sent with the
// *APIError in err, and whether it sent one.
func RetryAfter(err error) (time.Duration, bool) {
	var ae *APIError
	if !errors.As(err, &ae) {
		return 0, false
	}
	return ae.RetryAfter, ae.hasRetryAfter || ae.RetryAfter > 0
}

// parseRetryAfter reads a Retry-After value in whole seconds (§3). Other
// forms are ignored.
func parseRetryAfter(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || n > int64(24*time.Hour/time.Second) {
		return 0, false
	}
	return time.Duration(n) * time.Second, true
}

// newAPIError builds the error of a non-"0000" envelope. reqType, when not
// nil, is the request struct type whose label tags name the refused fields.
func newAPIError(env *Envelope, h http.Header, status int, reqType reflect.Type) *APIError {
	e := &APIError{
		Code:       env.Code,
		Message:    env.Message,
		HTTPStatus: status,
		RequestID:  env.RequestID,
	}
	e.RetryAfter, e.hasRetryAfter = parseRetryAfter(h.Get("Retry-After"))
	if env.Code == CodeBadSignature {
		e.ServerStringToSign = h.Get(HeaderErrorMessage)
	}
	// 1001 lists the refused fields in data.errors; a 1002 may list them
	// too (an unknown or reserved field, a wrong type).
	if (env.Code == CodeInvalidParams || env.Code == CodeMalformedBody) && len(env.Data) > 0 {
		var d ValidationDetails
		// Details that do not decode leave Fields empty; the code and
		// message still say what happened.
		if json.Unmarshal(env.Data, &d) == nil {
			for _, w := range d.Errors {
				f := FieldError{Field: w.Field, Message: w.Message}
				if reqType != nil {
					f.Label = fieldLabel(reqType, w.Field)
				}
				e.Fields = append(e.Fields, f)
			}
		}
	}
	return e
}

// notSentCause reports whether err certainly happened before the request
// left: a DNS failure or a failed dial. It is used only when the transport
// gave no trace events to tell.
func notSentCause(err error) bool {
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return true
	}
	var opErr *net.OpError
	return errors.As(err, &opErr) && opErr.Op == "dial"
}
