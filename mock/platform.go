package mock

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Platform is an in-memory 采购监管平台 that serves the whole wire contract
// as an http.Handler. It is safe for concurrent use. Build it with New.
type Platform struct {
	cfg  Config
	keys map[string]string

	// sleep waits for d or until ctx ends; tests replace it.
	sleep func(ctx context.Context, d time.Duration)
	// stalled, when set, is called once a stall has begun; tests use it
	// to know the push is stored and the answer held.
	stalled func()

	mu         sync.Mutex
	requestSeq uint64
	seqs       map[string]int
	nonces     map[string]time.Time
	nonceQueue []nonceEntry
	limiters   map[string]*rate.Limiter
	records    map[recordKey]*record
	plans      map[string]*planExec
	scripts    map[scriptKey]Script
	attempts   map[faultKey]int
	accepted   map[AcceptKey]int
	requests   []RecordedRequest
}

type scriptKey struct {
	flow     regplatform.Flow
	sourceID string
}

// New returns a platform configured by cfg. It panics when cfg.Validate
// fails: a mock set up wrong is a bug in the test that built it.
func New(cfg Config) *Platform {
	if err := cfg.Validate(); err != nil {
		panic(err)
	}
	cfg = cfg.withDefaults()

	keys := map[string]string{}
	for k, s := range cfg.OtherKeys {
		keys[k] = s
	}
	if cfg.AppKey != "" {
		keys[cfg.AppKey] = cfg.AppSecret
	}
	p := &Platform{cfg: cfg, keys: keys, sleep: sleepCtx}
	p.resetLocked()
	return p
}

// Reset forgets every record, plan, script, nonce, attempt count and
// recorded request, as if the platform had just been built; only request ids
// go on from where they were, so that they stay unique.
func (p *Platform) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.resetLocked()
}

// resetLocked keeps requestSeq, so request ids stay unique across resets.
func (p *Platform) resetLocked() {
	p.seqs = map[string]int{}
	p.nonces = map[string]time.Time{}
	p.nonceQueue = nil
	p.limiters = map[string]*rate.Limiter{}
	p.records = map[recordKey]*record{}
	p.plans = map[string]*planExec{}
	p.scripts = map[scriptKey]Script{}
	p.attempts = map[faultKey]int{}
	p.accepted = map[AcceptKey]int{}
	p.requests = nil
}

// Script sets how the record (flow, sourceID) behaves from now on, for
// every AppKey. It panics on a script that cannot be played; use
// SetScript to get an error instead.
func (p *Platform) Script(flow regplatform.Flow, sourceID string, s Script) {
	if err := p.SetScript(flow, sourceID, s); err != nil {
		panic(err)
	}
}

// SetScript is Script returning an error wrapping ErrConfig for a script
// that names an unknown flow, status, fault or business type, or a
// sourceID that breaks the identifier rule (then wrapping
// regplatform.ErrInvalidIdentifier too): no push could ever match it.
func (p *Platform) SetScript(flow regplatform.Flow, sourceID string, s Script) error {
	switch flow {
	case regplatform.FlowIntention, regplatform.FlowSingleSource, regplatform.FlowPlan:
	default:
		return fmt.Errorf("%w: unknown flow %q", ErrConfig, flow)
	}
	if err := regplatform.CheckSourceID(sourceID); err != nil {
		return fmt.Errorf("%w: source_id: %w", ErrConfig, err)
	}
	if err := s.check(flow); err != nil {
		return err
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	p.scripts[scriptKey{flow, sourceID}] = s
	return nil
}

func (p *Platform) scriptFor(flow regplatform.Flow, sourceID string) Script {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.scripts[scriptKey{flow, sourceID}]
}

// exchange is one request being served and what will be recorded of it.
type exchange struct {
	w   http.ResponseWriter
	r   *http.Request
	rec RecordedRequest
	// done is set once an answer (or a dropped connection) was produced.
	done bool
	// recorded is set once rec is in the platform's request log.
	recorded bool
}

func (ex *exchange) fail(e *apiError) {
	ex.rec.Code = e.code
	ex.rec.HTTPStatus = writeError(ex.w, ex.rec.RequestID, e)
	if ex.rec.Outcome == "" {
		ex.rec.Outcome = OutcomeRefused
	}
	ex.done = true
}

func (ex *exchange) ok(data any) {
	ex.rec.Code = regplatform.CodeOK
	ex.rec.HTTPStatus = writeEnvelope(ex.w, ex.rec.RequestID, regplatform.CodeOK, "成功", data)
	ex.done = true
}

// ServeHTTP answers one request of the contract.
func (p *Platform) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	ex := &exchange{w: w, r: r, rec: RecordedRequest{
		At: p.cfg.Clock(), Method: r.Method, Path: r.URL.EscapedPath(),
		AppKey: r.Header.Get(regplatform.HeaderKey), RequestID: p.nextRequestID(),
	}}
	defer p.finish(ex)

	body, tooLarge, err := readBody(r)
	if err != nil {
		ex.fail(newError(regplatform.CodeMalformedBody, "请求体格式错误: 读取失败"))
		return
	}
	if tooLarge {
		ex.fail(newError(regplatform.CodeMalformedBody, "请求体格式错误: 超过 8 MiB"))
		return
	}

	appKey, e := p.authenticate(r, body)
	if e != nil {
		ex.fail(e)
		return
	}
	if wait, ok := p.allow(appKey); !ok {
		e := newError(regplatform.CodeRateLimited, "请求过于频繁")
		e.retryAfter = wait
		ex.fail(e)
		return
	}

	p.route(ex, appKey, body)
}

func (p *Platform) finish(ex *exchange) {
	if ex.recorded {
		return
	}
	ex.recorded = true
	p.cfg.Logger.Debug("mock: Request served.",
		slog.String("method", ex.rec.Method), slog.String("path", ex.rec.Path),
		slog.String("request_id", ex.rec.RequestID), slog.String("code", ex.rec.Code),
		slog.String("flow", string(ex.rec.Flow)), slog.String("source_id", ex.rec.SourceID),
		slog.Int("revision", ex.rec.Revision), slog.String("outcome", string(ex.rec.Outcome)),
		slog.String("fault", string(ex.rec.Fault)))

	p.mu.Lock()
	defer p.mu.Unlock()
	p.requests = append(p.requests, ex.rec)
}

// route dispatches an authenticated request by its path as sent (escaped),
// base path removed.
func (p *Platform) route(ex *exchange, appKey string, body []byte) {
	path, ok := strings.CutPrefix(ex.r.URL.EscapedPath(), p.cfg.BasePath)
	if !ok {
		ex.fail(newError(regplatform.CodeNotFound, "接口不存在"))
		return
	}

	switch path {
	case "/v1/intentions":
		p.push(ex, appKey, regplatform.FlowIntention, body)
	case "/v1/single-source/notices":
		p.push(ex, appKey, regplatform.FlowSingleSource, body)
	case "/v1/plans":
		p.push(ex, appKey, regplatform.FlowPlan, body)
	case "/v1/intentions/results":
		p.results(ex, appKey, regplatform.FlowIntention)
	case "/v1/single-source/notices/results":
		p.results(ex, appKey, regplatform.FlowSingleSource)
	case "/v1/plans/results":
		p.results(ex, appKey, regplatform.FlowPlan)
	default:
		planID, what, ok := planPath(path)
		if !ok {
			ex.fail(newError(regplatform.CodeNotFound, "接口不存在"))
			return
		}
		p.planRead(ex, appKey, planID, what)
	}
}

// planPath splits the escaped path
// /v1/plans/{plan_id}/{project|announcements|bids|awards} and returns the
// plan id unescaped.
func planPath(path string) (planID, what string, ok bool) {
	rest, ok := strings.CutPrefix(path, "/v1/plans/")
	if !ok {
		return "", "", false
	}
	escaped, what, ok := strings.Cut(rest, "/")
	if !ok || escaped == "" {
		return "", "", false
	}
	planID, err := url.PathUnescape(escaped)
	if err != nil {
		return "", "", false
	}
	switch what {
	case "project", "announcements", "bids", "awards":
		return planID, what, true
	}
	return "", "", false
}

// readBody reads at most MaxBodyBytes and reports a larger body.
func readBody(r *http.Request) ([]byte, bool, error) {
	if r.Body == nil {
		return nil, false, nil
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, regplatform.MaxBodyBytes+1))
	if err != nil {
		return nil, false, err
	}
	if len(b) > regplatform.MaxBodyBytes {
		return nil, true, nil
	}
	return b, false, nil
}

// allow applies the per-AppKey rate limit on the platform's clock and
// returns, when refused, how long to wait.
func (p *Platform) allow(appKey string) (time.Duration, bool) {
	if p.cfg.RateLimit <= 0 {
		return 0, true
	}

	p.mu.Lock()
	defer p.mu.Unlock()
	lim, ok := p.limiters[appKey]
	if !ok {
		lim = rate.NewLimiter(rate.Limit(p.cfg.RateLimit), p.cfg.RateBurst)
		p.limiters[appKey] = lim
	}
	now := p.cfg.Clock()
	res := lim.ReserveN(now, 1)
	if !res.OK() {
		return time.Second, false
	}
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return d, false
	}
	return 0, true
}

// nextRequestID returns a request id unique within the platform's life and
// repeatable for a seed.
func (p *Platform) nextRequestID() string {
	p.mu.Lock()
	p.requestSeq++
	n := p.requestSeq
	p.mu.Unlock()

	sum := sha256.Sum256([]byte(strconv.FormatInt(p.cfg.Seed, 10) + "/" +
		strconv.FormatUint(n, 10)))
	return hex.EncodeToString(sum[:8]) + fmt.Sprintf("%08x", n)
}

// nextSeqLocked returns the next number of the named sequence, from 1.
func (p *Platform) nextSeqLocked(name string) int {
	p.seqs[name]++
	return p.seqs[name]
}

// nextAttempt counts one more request for k and returns the count.
func (p *Platform) nextAttempt(k faultKey) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.attempts[k]++
	return p.attempts[k]
}

func sleepCtx(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
