package mock

import (
	"net"
	"net/http"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// push serves 2.5.1, 2.6.2 and 2.7.1: decode and validate, count the
// attempt, inject the faults chosen for it, apply §5, answer.
func (p *Platform) push(ex *exchange, appKey string, flow regplatform.Flow, body []byte) {
	if ex.r.Method != http.MethodPost {
		ex.fail(newError(regplatform.CodeMalformedBody, "请求体格式错误: 须用 POST"))
		return
	}
	in, e := decodePush(ex.r, flow, body)
	if e != nil {
		ex.fail(e)
		return
	}
	ex.rec.Flow, ex.rec.SourceID, ex.rec.Revision = flow, in.sourceID, in.revision

	key := faultKey{Flow: flow, SourceID: in.sourceID, Revision: in.revision}
	fault := p.injectBefore(ex, key, true)
	if ex.done {
		return
	}

	receipt, created, e := p.store(appKey, flow, in)
	switch {
	case e != nil:
		ex.rec.Outcome = OutcomeRefused
	case created:
		ex.rec.Outcome = OutcomeAccepted
	default:
		ex.rec.Outcome = OutcomeDuplicate
	}

	if p.injectAfter(ex, fault) {
		return
	}
	if e != nil {
		ex.fail(e)
		return
	}
	ex.ok(receipt)
}

// injectBefore counts an attempt of key, picks its faults (scripted first,
// then by rate), applies the latency and any fault that ends the request
// before storing, and returns the fault left for after storing. With
// isPush false the key is a read's, which only suffers faults when
// FaultConfig.Reads is set and is never scripted.
func (p *Platform) injectBefore(ex *exchange, key faultKey, isPush bool) Fault {
	if !isPush && !p.cfg.Faults.Reads {
		return FaultNone
	}
	attempt := p.nextAttempt(key)
	ex.rec.Attempt = attempt

	delayed, fault := chooseFaults(p.cfg.Seed, p.cfg.Faults, key, attempt)
	if isPush {
		script := p.scriptFor(key.Flow, key.SourceID)
		if f, ok := script.scriptedFault(key.Revision, attempt); ok {
			delayed, fault = false, f
			if f == FaultLatency {
				delayed, fault = true, FaultNone
			}
		}
	}

	if delayed {
		ex.rec.Delayed = true
		p.sleep(ex.r.Context(), p.cfg.Faults.LatencyDuration)
	}
	if fault == FaultNone {
		return FaultNone
	}
	ex.rec.Fault = fault

	switch fault {
	case FaultResetBeforeStore:
		p.dropConnection(ex)
	case FaultErrorBeforeStore:
		ex.fail(newError(regplatform.CodeInternal, "平台内部错误"))
	case FaultRateLimited:
		e := newError(regplatform.CodeRateLimited, "请求过于频繁")
		e.retryAfter = p.cfg.Faults.RetryAfter
		ex.fail(e)
	}
	return fault
}

// injectAfter spoils the answer of a stored push with fault and reports
// whether it did.
func (p *Platform) injectAfter(ex *exchange, fault Fault) bool {
	switch fault {
	case FaultErrorAfterStore:
		ex.fail(newError(regplatform.CodeInternal, "平台内部错误"))
		return true
	case FaultNotEnvelope:
		ex.rec.HTTPStatus = writeGatewayPage(ex.w)
		ex.rec.Code = ""
		ex.done = true
		return true
	case FaultStallAfterStore:
		p.stall(ex)
		return ex.done
	}
	return false
}

// stall holds the answer until the client gives up or MaxStall passes. A
// client that gave up gets nothing; otherwise the normal answer follows.
func (p *Platform) stall(ex *exchange) {
	ctx := ex.r.Context()
	if p.stalled != nil {
		p.stalled()
	}

	t := time.NewTimer(p.cfg.Faults.MaxStall)
	defer t.Stop()
	select {
	case <-ctx.Done():
		// The push still counts as accepted or duplicate; nothing is sent.
		ex.done = true
	case <-t.C:
	}
}

// dropConnection closes the connection without an answer: hijacked and
// closed with a reset where the server allows it, else aborted through
// http.ErrAbortHandler.
func (p *Platform) dropConnection(ex *exchange) {
	ex.rec.Outcome = OutcomeDropped
	ex.rec.HTTPStatus = 0
	ex.done = true

	// Record before the connection goes: a client that sees the reset may
	// look at the request log at once.
	p.finish(ex)
	hj, ok := ex.w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		// Linger 0 makes the close a reset, as a crashed gateway would.
		tcp.SetLinger(0)
	}
	conn.Close()
}
