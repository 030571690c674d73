package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultTolerance is the clock difference Verify accepts between the
// request's timestamp and the receiver's clock when given none.
const DefaultTolerance = 5 * time.Minute

// MaxBodyBytes is the largest body Verify reads (1 MiB); publications are a
// few hundred bytes.
const MaxBodyBytes = 1 << 20

// Errors of Verify. Their texts name no secret and no signature.
var (
	// ErrMissingHeader: the timestamp or signature header is absent.
	ErrMissingHeader = errors.New("webhook: signature header missing")
	// ErrTimestamp: the timestamp is malformed or outside the tolerance.
	ErrTimestamp = errors.New("webhook: timestamp outside tolerance")
	// ErrSignature: no v1 signature matches the body.
	ErrSignature = errors.New("webhook: signature does not match")
	// ErrBodyTooLarge: the body exceeds MaxBodyBytes.
	ErrBodyTooLarge = errors.New("webhook: body too large")
)

// Sign returns the X-Zcbridge-Signature value for body signed at timestamp
// (Unix seconds): "v1=" and the hex HMAC-SHA256 of timestamp, "." and body.
func Sign(secret string, timestamp int64, body []byte) string {
	return sign([]byte(secret), strconv.FormatInt(timestamp, 10), body)
}

func sign(secret []byte, ts string, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return "v1=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reads r's body and checks its signature against secret and its
// timestamp against the current time, within tolerance (DefaultTolerance
// when tolerance is not positive). It returns the body, and puts it back
// in r.Body for later readers. It fails with an error wrapping
// ErrMissingHeader, ErrTimestamp, ErrSignature or ErrBodyTooLarge, or the
// read error. An empty secret fails every request with ErrSignature, so that
// a receiver whose secret is not configured refuses rather than accepting
// what anyone can sign. Deduping by the X-Zcbridge-Delivery header is left
// to the receiver.
func Verify(secret string, r *http.Request, tolerance time.Duration) ([]byte, error) {
	return VerifyAt(secret, r, tolerance, time.Now())
}

// VerifyAt is Verify with the receiver's clock reading given as now.
func VerifyAt(secret string, r *http.Request, tolerance time.Duration,
	now time.Time) ([]byte, error) {
	if secret == "" {
		return nil, fmt.Errorf("%w: no secret is configured", ErrSignature)
	}
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	ts := r.Header.Get(HeaderTimestamp)
	sigs := r.Header.Get(HeaderSignature)
	if ts == "" || sigs == "" {
		return nil, ErrMissingHeader
	}

	unix, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%w: %q is not Unix seconds", ErrTimestamp, ts)
	}
	skew := now.Sub(time.Unix(unix, 0))
	if skew > tolerance || skew < -tolerance {
		return nil, fmt.Errorf("%w: off by %s", ErrTimestamp, skew.Round(time.Second))
	}

	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBodyBytes+1))
	if err != nil {
		return nil, fmt.Errorf("webhook: read body: %w", err)
	}
	if len(body) > MaxBodyBytes {
		return nil, ErrBodyTooLarge
	}
	r.Body = io.NopCloser(bytes.NewReader(body))

	want := []byte(sign([]byte(secret), ts, body))
	// Several comma-separated signatures may come, so that a later scheme
	// can be added beside v1.
	for _, got := range strings.Split(sigs, ",") {
		if hmac.Equal([]byte(strings.TrimSpace(got)), want) {
			return body, nil
		}
	}
	return nil, ErrSignature
}
