package poll_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/memstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

// testClock is an engine Clock moved by hand. After registers a waiter and
// announces its duration on waits, so a test knows when Run is waiting.
type testClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []clockWaiter
	waits   chan time.Duration
}

type clockWaiter struct {
	at time.Time
	ch chan time.Time
}

func newTestClock() *testClock {
	return &testClock{
		now:   time.Date(2026, 12, 3, 2, 0, 0, 0, time.UTC),
		waits: make(chan time.Duration, 16),
	}
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) After(d time.Duration) <-chan time.Time {
	ch := make(chan time.Time, 1)
	c.mu.Lock()
	if d <= 0 {
		ch <- c.now
	} else {
		c.waiters = append(c.waiters, clockWaiter{at: c.now.Add(d), ch: ch})
	}
	c.mu.Unlock()
	c.waits <- d
	return ch
}

func (c *testClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()

	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if w.at.After(c.now) {
			kept = append(kept, w)
			continue
		}
		w.ch <- c.now
	}
	c.waiters = kept
}

// pushFault is one scripted answer to a push: stored says whether the
// platform keeps the record before answering err.
type pushFault struct {
	stored bool
	err    error
}

// Errors a fake platform answers with, shaped as the client returns them.
var (
	errTimeout = &regplatform.TransportError{Op: "push", MaybeSent: true,
		Err: errors.New("i/o timeout")}
	errRefused = &regplatform.TransportError{Op: "push",
		Err: errors.New("connection refused")}
	errInternal = &regplatform.APIError{Code: regplatform.CodeInternal,
		HTTPStatus: 500, RequestID: "req-5000"}
	errInvalidBody = &regplatform.APIError{Code: regplatform.CodeInvalidParams,
		HTTPStatus: 400, RequestID: "req-1001"}
	errStateConflict = &regplatform.APIError{Code: regplatform.CodeStateConflict,
		HTTPStatus: 409, RequestID: "req-3002"}
	errBadAppKey = &regplatform.APIError{Code: regplatform.CodeBadAppKey,
		HTTPStatus: 401, RequestID: "req-2004"}
)

func errRateLimited(retryAfter time.Duration) error {
	return &regplatform.APIError{Code: regplatform.CodeRateLimited, HTTPStatus: 429,
		RequestID: "req-4290", RetryAfter: retryAfter}
}

// platformRecord is the latest revision the fake platform holds.
type platformRecord struct {
	revision int
	body     []byte
	status   regplatform.Status
	reason   string
}

type pushCall struct {
	sourceID string
	revision int
	body     []byte
}

// fakePlatform implements the intention service of the client over an
// in-memory platform with the idempotency rules of §5.
type fakePlatform struct {
	mu       sync.Mutex
	records  map[string]*platformRecord
	accepted map[string]int // by "source_id/revision": pushes that created it
	pushes   []pushCall
	reads    [][]string
	faults   map[string][]pushFault
	readErrs []error
	// block, when set, is called inside PublishBody before anything else.
	block func(ctx context.Context, sourceID string) error
}

func newFakePlatform() *fakePlatform {
	return &fakePlatform{
		records:  make(map[string]*platformRecord),
		accepted: make(map[string]int),
		faults:   make(map[string][]pushFault),
	}
}

func (p *fakePlatform) fault(sourceID string, f ...pushFault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.faults[sourceID] = append(p.faults[sourceID], f...)
}

func (p *fakePlatform) failReads(errs ...error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.readErrs = append(p.readErrs, errs...)
}

// set moves a held record to status, as the platform's people would.
func (p *fakePlatform) set(sourceID string, revision int, s regplatform.Status, reason string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.records[sourceID] = &platformRecord{revision: revision, status: s, reason: reason}
}

func (p *fakePlatform) setAll(s regplatform.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, r := range p.records {
		r.status = s
	}
}

func (p *fakePlatform) PublishBody(ctx context.Context, body []byte) (*regplatform.Receipt, error) {
	var id struct {
		SourceID string `json:"source_id"`
		Revision int    `json:"revision"`
	}
	if err := json.Unmarshal(body, &id); err != nil {
		return nil, err
	}
	if p.block != nil {
		if err := p.block(ctx, id.SourceID); err != nil {
			return nil, err
		}
	}

	p.mu.Lock()
	defer p.mu.Unlock()

	p.pushes = append(p.pushes, pushCall{id.SourceID, id.Revision, bytes.Clone(body)})
	var f *pushFault
	if q := p.faults[id.SourceID]; len(q) > 0 {
		f = &q[0]
		p.faults[id.SourceID] = q[1:]
	}
	if f != nil && !f.stored {
		return nil, f.err
	}

	dup := false
	r, held := p.records[id.SourceID]
	switch {
	case held && r.revision == id.Revision:
		if r.body != nil && !bytes.Equal(r.body, body) {
			return nil, &regplatform.APIError{Code: regplatform.CodeBodyMismatch, HTTPStatus: 409}
		}
		dup = true
	case held && id.Revision == r.revision+1 && !r.status.Succeeded() && r.status.Terminal(),
		!held && id.Revision == 1:
		r = &platformRecord{revision: id.Revision, body: bytes.Clone(body),
			status: regplatform.StatusPublishing}
		p.records[id.SourceID] = r
		p.accepted[fmt.Sprintf("%s/%d", id.SourceID, id.Revision)]++
	default:
		return nil, &regplatform.APIError{Code: regplatform.CodeStateConflict, HTTPStatus: 409}
	}
	if f != nil {
		return nil, f.err
	}
	return &regplatform.Receipt{ReceiptID: "R-" + id.SourceID, Status: r.status,
		Duplicate: dup}, nil
}

func (p *fakePlatform) Results(_ context.Context,
	ids []string) (*regplatform.IntentionResults, error) {
	p.mu.Lock()
	defer p.mu.Unlock()

	p.reads = append(p.reads, slices.Clone(ids))
	if len(p.readErrs) > 0 {
		err := p.readErrs[0]
		p.readErrs = p.readErrs[1:]
		return nil, err
	}

	out := &regplatform.IntentionResults{}
	for _, id := range ids {
		r, ok := p.records[id]
		if !ok {
			out.NotFound = append(out.NotFound, id)
			continue
		}
		res := regplatform.IntentionResult{SourceID: id, Revision: r.revision,
			Status: r.status, FailReason: r.reason}
		if r.status == regplatform.StatusPublished {
			res.PlatformID = "ZCYX-" + id
			res.PublishURL = "https://zcjg.example.gov.cn/notice/yx/" + id
		}
		out.Results = append(out.Results, res)
	}
	return out, nil
}

func (p *fakePlatform) pushCount() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.pushes)
}

func (p *fakePlatform) pushesOf(sourceID string) []pushCall {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []pushCall
	for _, c := range p.pushes {
		if c.sourceID == sourceID {
			out = append(out, c)
		}
	}
	return out
}

func (p *fakePlatform) readCalls() [][]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return slices.Clone(p.reads)
}

func (p *fakePlatform) acceptedOf(sourceID string, revision int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted[fmt.Sprintf("%s/%d", sourceID, revision)]
}

// hostRecord is one record of the fake host system.
type hostRecord struct {
	revision int
	request  poll.Request
}

// hostSource is a Source over an in-memory host table. Terminal outcomes
// take a record off the pending list unless sticky is set.
type hostSource struct {
	mu       sync.Mutex
	recs     map[string]*hostRecord
	applied  []poll.Outcome
	applyErr map[string]int
	sticky   bool
	calls    int
	// onPending, when set, runs at the start of every Pending call with
	// the call's number (from 1); it may change the table.
	onPending func(call int, after string)
	// onApply, when set, runs at the start of every Apply.
	onApply func(o poll.Outcome)
}

func newHostSource() *hostSource {
	return &hostSource{recs: make(map[string]*hostRecord), applyErr: make(map[string]int)}
}

func (s *hostSource) put(sourceID string, revision int, req poll.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recs[sourceID] = &hostRecord{revision: revision, request: req}
}

func (s *hostSource) remove(sourceID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.recs, sourceID)
}

func (s *hostSource) Pending(_ context.Context, after string, limit int) ([]poll.Record, error) {
	s.mu.Lock()
	s.calls++
	call, hook := s.calls, s.onPending
	s.mu.Unlock()
	if hook != nil {
		hook(call, after)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, 0, len(s.recs))
	for id := range s.recs {
		if id > after {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	if len(ids) > limit {
		ids = ids[:limit]
	}
	out := make([]poll.Record, 0, len(ids))
	for _, id := range ids {
		r := s.recs[id]
		out = append(out, poll.Record{SourceID: id, Revision: r.revision, Request: r.request})
	}
	return out, nil
}

func (s *hostSource) Apply(_ context.Context, o poll.Outcome) error {
	if s.onApply != nil {
		s.onApply(o)
	}
	s.mu.Lock()
	defer s.mu.Unlock()

	s.applied = append(s.applied, o)
	if s.applyErr[o.SourceID] > 0 {
		s.applyErr[o.SourceID]--
		return errors.New("host database is busy")
	}
	if o.Kind != poll.OutcomeInvalid && !s.sticky {
		delete(s.recs, o.SourceID)
	}
	return nil
}

func (s *hostSource) outcomes() []poll.Outcome {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.applied)
}

func (s *hostSource) pendingCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.recs)
}

// intention returns a valid intention for sourceID and revision, built from
// the fixtures.
func intention(t *testing.T, sourceID string, revision int) *regplatform.Intention {
	t.Helper()
	all := fixtures.Intentions()
	require.NotEmpty(t, all)
	in := all[0]
	in.SourceID, in.Revision = sourceID, revision
	in.Items = slices.Clone(in.Items)
	return &in
}

// logBuffer collects log records for assertions.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// lines returns the log lines at level that hold msg.
func (b *logBuffer) lines(level, msg string) []string {
	var out []string
	for _, l := range strings.Split(b.String(), "\n") {
		if strings.Contains(l, "level="+level) && strings.Contains(l, msg) {
			out = append(out, l)
		}
	}
	return out
}

func (b *logBuffer) logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// rig is one engine over a fake platform, a fake host and a store.
type rig struct {
	t        *testing.T
	clock    *testClock
	platform *fakePlatform
	source   *hostSource
	store    poll.IdempotencyStore
	logs     *logBuffer
	engine   *poll.Engine
}

const (
	rigPollMin = time.Minute
	rigPollMax = 4 * time.Minute
)

// newRig builds a rig; edit adjusts the config before New.
func newRig(t *testing.T, edit func(*poll.Config)) *rig {
	t.Helper()
	r := &rig{
		t:        t,
		clock:    newTestClock(),
		platform: newFakePlatform(),
		source:   newHostSource(),
		logs:     &logBuffer{},
	}
	r.store = memstore.New(memstore.WithClock(r.clock.Now))
	cfg := poll.Config{
		Store:    r.store,
		Flows:    []poll.Flow{poll.IntentionFlow(r.platform, r.source)},
		Owner:    "engine-a",
		PollMin:  rigPollMin,
		PollMax:  rigPollMax,
		MaxPause: 10 * time.Minute,
		Clock:    r.clock,
		Logger:   r.logs.logger(),
	}
	if edit != nil {
		edit(&cfg)
	}
	e, err := poll.New(cfg)
	require.NoError(t, err)
	r.engine = e
	return r
}

// add lists n valid records "YX-000".."YX-(n-1)" at revision 1.
func (r *rig) add(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("YX-%03d", i)
		r.source.put(ids[i], 1, intention(r.t, ids[i], 1))
	}
	return ids
}

func (r *rig) tick() {
	r.t.Helper()
	require.NoError(r.t, r.engine.Tick(r.t.Context()))
}

func (r *rig) entry(sourceID string, revision int) poll.Entry {
	r.t.Helper()
	e, ok, err := r.store.Get(r.t.Context(), poll.Key{Flow: "intention", SourceID: sourceID,
		Revision: revision})
	require.NoError(r.t, err)
	require.True(r.t, ok, "no entry for %s/%d", sourceID, revision)
	return e
}
