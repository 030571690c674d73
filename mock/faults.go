package mock

import (
	"crypto/sha256"
	"encoding/binary"
	"strconv"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Fault names one kind of injected failure. The empty Fault is none.
type Fault string

// Faults the platform can inject, by rate (FaultConfig) or by script
// (Script.Faults).
const (
	FaultNone             Fault = ""
	FaultLatency          Fault = "latency"
	FaultErrorBeforeStore Fault = "error_before_store"
	FaultErrorAfterStore  Fault = "error_after_store"
	FaultStallAfterStore  Fault = "stall_after_store"
	FaultResetBeforeStore Fault = "reset_before_store"
	FaultRateLimited      Fault = "rate_limited"
	FaultNotEnvelope      Fault = "not_envelope"
)

// beforeStore reports whether f ends the request before a push is stored.
func (f Fault) beforeStore() bool {
	switch f {
	case FaultErrorBeforeStore, FaultResetBeforeStore, FaultRateLimited:
		return true
	}
	return false
}

// afterStore reports whether f spoils the answer to a push already stored.
func (f Fault) afterStore() bool {
	switch f {
	case FaultErrorAfterStore, FaultStallAfterStore, FaultNotEnvelope:
		return true
	}
	return false
}

func (f Fault) valid() bool {
	return f == FaultNone || f == FaultLatency || f.beforeStore() || f.afterStore()
}

// faultKey is what fault choices and attempt counts are keyed by. For reads,
// SourceID holds the path and query and Revision is 0.
type faultKey struct {
	Flow     regplatform.Flow
	SourceID string
	Revision int
}

// draw returns a number in [0, 1) fixed by the seed, key, attempt and salt.
func draw(seed int64, k faultKey, attempt int, salt string) float64 {
	h := sha256.New()
	for _, part := range []string{
		strconv.FormatInt(seed, 10), string(k.Flow), k.SourceID,
		strconv.Itoa(k.Revision), strconv.Itoa(attempt), salt,
	} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	sum := h.Sum(nil)
	return float64(binary.BigEndian.Uint64(sum[:8])>>11) / (1 << 53)
}

// chooseFaults picks the faults of one attempt: whether it is delayed, and
// at most one exclusive failure.
func chooseFaults(seed int64, f FaultConfig, k faultKey, attempt int) (bool, Fault) {
	latency := f.Latency > 0 && draw(seed, k, attempt, "latency") < f.Latency

	u := draw(seed, k, attempt, "fault")
	acc := 0.0
	for _, c := range []struct {
		rate  float64
		fault Fault
	}{
		{f.ResetBeforeStore, FaultResetBeforeStore},
		{f.ErrorBeforeStore, FaultErrorBeforeStore},
		{f.RateLimited, FaultRateLimited},
		{f.ErrorAfterStore, FaultErrorAfterStore},
		{f.StallAfterStore, FaultStallAfterStore},
		{f.NotEnvelope, FaultNotEnvelope},
	} {
		acc += c.rate
		if c.rate > 0 && u < acc {
			return latency, c.fault
		}
	}
	return latency, FaultNone
}
