package crashtest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll/pgstore"
)

// The school's credentials on the mock platform.
const (
	testAppKey    = "203000001"
	testAppSecret = "crashtest-secret-0123456789abcdef"
)

// EnvSoak names the number of runs of TestCrashAndFault. Defaults to 1.
const EnvSoak = "ZCBRIDGE_SOAK"

// runDeadline bounds one run, from the first insert to the last check.
const runDeadline = 150 * time.Second

// The engines' settings: a client attempt gives up after 300ms, so the
// platform's stalls turn into timeouts; one send with its retries (at most
// two attempts, a Retry-After of 1s waited out) stays inside the 2s lease.
var engineSettings = EngineConfig{
	ClientTimeout: 300 * time.Millisecond,
	LeaseTTL:      2 * time.Second,
	Interval:      200 * time.Millisecond,
	PollMin:       100 * time.Millisecond,
	PollMax:       400 * time.Millisecond,
}

// faults are the platform's failures, by share of push attempts.
var faults = mock.FaultConfig{
	ErrorAfterStore:  0.10,
	StallAfterStore:  0.05,
	ResetBeforeStore: 0.05,
	RateLimited:      0.02,
	RetryAfter:       time.Second,
	MaxStall:         5 * time.Second,
}

// TestCrashAndFault runs three engine processes over one PostgreSQL store
// and one host database against a mock platform that fails a fifth of the
// pushes, kills one engine with SIGKILL while a push of its is answered,
// starts it again, and checks that every revision was accepted once, every
// record reached its end and every effect happened once. ZCBRIDGE_SOAK=N
// repeats it N times.
func TestCrashAndFault(t *testing.T) {
	if testing.Short() {
		t.Skip("crash-and-fault test skipped in -short mode")
	}
	runs := 1
	if v := os.Getenv(EnvSoak); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "%s must be a number", EnvSoak)
		require.Positive(t, n, "%s must be at least 1", EnvSoak)
		runs = n
	}
	for i := 1; i <= runs; i++ {
		if !t.Run(fmt.Sprintf("run_%d", i), func(t *testing.T) { crashRun(t, i) }) {
			break
		}
	}
}

// TestEngineProcess is one engine process of TestCrashAndFault; it does
// nothing unless EnvEngine is set. It runs until stdin is closed.
func TestEngineProcess(t *testing.T) {
	raw := os.Getenv(EnvEngine)
	if raw == "" {
		t.Skip("runs only as an engine process of TestCrashAndFault")
	}
	cfg, err := DecodeEngineConfig(raw)
	require.NoError(t, err)

	ctx, cancel := context.WithTimeout(context.Background(), childLife)
	defer cancel()
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		cancel()
	}()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	require.NoError(t, RunEngine(ctx, cfg, log))
}

func crashRun(t *testing.T, run int) {
	start := time.Now()
	ctx, cancel := context.WithTimeout(t.Context(), runDeadline)
	defer cancel()

	schema := servertest.PostgresSchemaWithPrefix(t, "zcb_crash_")
	pool := servertest.PostgresPool(t)
	store := pgstore.New(pool, pgstore.WithSchema(schema))
	require.NoError(t, store.Migrate(ctx))
	host := NewHost(pool, schema, "clerk")
	require.NoError(t, host.Migrate(ctx))

	recs, err := Generate(ctx, DefaultMix)
	require.NoError(t, err)
	require.NoError(t, host.Insert(ctx, recs))
	wantKeys := 0
	for _, r := range recs {
		wantKeys++
		if r.FailFirst {
			wantKeys++
		}
	}

	platform := mock.New(mock.Config{
		AppKey: testAppKey, AppSecret: testAppSecret, Seed: int64(run),
		PublishAfterReads: 2, Faults: faults,
	})
	Script(platform, recs)

	owners := []string{"engine-1", "engine-2", "engine-3"}
	victim := (run - 1) % len(owners)
	ks := newKillSwitch(platform, owners[victim], func() bool {
		return len(platform.AcceptedCounts()) >= wantKeys/3
	})
	srv := httptest.NewServer(ks)
	t.Cleanup(srv.Close)
	t.Cleanup(ks.Release)

	changes := listen(t, ctx, host.Channel())
	dir := t.TempDir()
	engine := func(owner string, attempts int) *process {
		cfg := engineSettings
		cfg.PostgresURL, cfg.Schema, cfg.PlatformURL = servertest.PostgresURL(), schema, srv.URL
		cfg.AppKey, cfg.AppSecret, cfg.Owner, cfg.Attempts = testAppKey, testAppSecret,
			owner, attempts
		cfg.SendLog = filepath.Join(dir, owner+".sends")
		return startEngine(t, dir, cfg)
	}
	// The middle engine does not retry, so its failures all go through the
	// engine's own reconciliation.
	attempts := []int{2, 1, 2}
	procs := make([]*process, 0, len(owners)+1)
	for i, owner := range owners {
		procs = append(procs, engine(owner, attempts[i]))
	}
	t.Cleanup(func() {
		for _, p := range procs {
			for _, l := range first(p.lines(func(l string) bool {
				return strings.Contains(l, "level=ERROR")
			}), 5) {
				t.Logf("engine %s: %s", p.owner, l)
			}
		}
		if t.Failed() {
			for _, p := range procs {
				t.Logf("engine %s, last lines:\n%s", p.owner, p.tail(30))
			}
		}
	})

	done := make(chan error, 1)
	go func() { done <- drive(ctx, host, changes) }()

	select {
	case <-ks.Held():
	case err := <-done:
		t.Fatalf("the run ended before engine %s could be killed: %v", owners[victim], err)
	}
	killedAt := time.Since(start)
	procs[victim].kill(t)
	ks.Release()
	require.True(t, procs[victim].killedBySIGKILL(), "engine %s ended by %v",
		owners[victim], procs[victim].state)
	procs = append(procs, engine(owners[victim]+"-restarted", attempts[victim]))

	if err := <-done; err != nil {
		v, verr := host.Verify(context.WithoutCancel(ctx), platform.AcceptedCounts(), store)
		require.NoError(t, verr)
		t.Fatalf("records not done after %s (%v):\n%s", time.Since(start).Round(time.Second),
			err, strings.Join(first(v.Problems, 40), "\n"))
	}
	for _, p := range procs {
		p.stop(t)
	}

	v, err := host.Verify(ctx, platform.AcceptedCounts(), store)
	require.NoError(t, err)
	noProblems(t, "end state", v.Problems)
	assert.Equal(t, len(recs), v.Records)
	assert.Equal(t, wantKeys, v.Effects)

	sendLogs := make([]string, len(procs))
	for i, p := range procs {
		sendLogs[i] = filepath.Join(dir, p.owner+".sends")
	}
	sent, err := ReadSendLogs(sendLogs...)
	require.NoError(t, err)
	resends := UnexplainedResends(duplicates(platform.Requests()), sent)
	noProblems(t, "resends", resends)

	seen := pushFaults(platform.Requests())
	for _, f := range []mock.Fault{mock.FaultErrorAfterStore, mock.FaultStallAfterStore,
		mock.FaultResetBeforeStore, mock.FaultRateLimited} {
		assert.Positive(t, seen[f], "no push suffered %s", f)
	}

	t.Logf("run %d: %d records, %d effects, %d deliveries (%d repeated); pushes: %v; "+
		"engine %s killed at %s; reconciled %d, resent %d, leases lost %d, errors logged %d; "+
		"took %s",
		run, v.Records, v.Effects, v.Deliveries, v.Repeated, seen, owners[victim],
		killedAt.Round(time.Millisecond), countAll(procs, "Reconciled push"),
		countAll(procs, "resending the kept body"), countAll(procs, "Lease lost"),
		countAll(procs, "level=ERROR"),
		time.Since(start).Round(time.Millisecond))
}

// drive plays the clerk until every record is done: it republishes what the
// platform refused each time a status change is announced on changes (or
// half a second passed). It returns nil once every record is done, or
// ctx's error.
func drive(ctx context.Context, h *Host, changes *pgx.Conn) error {
	for {
		if _, err := h.Republish(ctx); err != nil {
			return err
		}
		rows, err := h.Rows(ctx)
		if err != nil {
			return err
		}
		open := 0
		for _, r := range rows {
			if !h.Done(r) {
				open++
			}
		}
		if open == 0 {
			return nil
		}

		wctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
		_, err = changes.WaitForNotification(wctx)
		cancel()
		if ctx.Err() != nil {
			return fmt.Errorf("%d records open: %w", open, ctx.Err())
		}
		if err != nil && !pgconn.Timeout(err) && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("crashtest: wait for changes: %w", err)
		}
	}
}

// listen opens a connection listening on channel, closed when t ends.
func listen(t *testing.T, ctx context.Context, channel string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(ctx, servertest.PostgresURL())
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close(context.Background()) })
	_, err = conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize())
	require.NoError(t, err)
	return conn
}

// pushFaults counts the platform's push requests by injected fault, with
// "none" for the clean ones and "duplicate" for pushes of a revision the
// platform already held.
func pushFaults(reqs []mock.RecordedRequest) map[mock.Fault]int {
	out := map[mock.Fault]int{}
	for _, r := range reqs {
		if r.Method != "POST" || r.Flow == "" {
			continue
		}
		switch {
		case r.Fault != mock.FaultNone:
			out[r.Fault]++
		case r.Outcome == mock.OutcomeDuplicate:
			out["duplicate"]++
		default:
			out["none"]++
		}
	}
	return out
}

// duplicates counts, per revision, the pushes the platform took as
// duplicates of one it held.
func duplicates(reqs []mock.RecordedRequest) map[mock.AcceptKey]int {
	out := map[mock.AcceptKey]int{}
	for _, r := range reqs {
		if r.Outcome == mock.OutcomeDuplicate {
			out[mock.AcceptKey{Flow: r.Flow, SourceID: r.SourceID, Revision: r.Revision}]++
		}
	}
	return out
}

func countAll(procs []*process, s string) int {
	n := 0
	for _, p := range procs {
		n += p.count(s)
	}
	return n
}

// noProblems fails t with at most 40 of problems.
func noProblems(t *testing.T, what string, problems []string) {
	t.Helper()
	if len(problems) > 0 {
		t.Errorf("%s: %d problems:\n%s", what, len(problems),
			strings.Join(first(problems, 40), "\n"))
	}
}

func first(s []string, n int) []string {
	if len(s) > n {
		return append(s[:n:n], fmt.Sprintf("… and %d more", len(s)-n))
	}
	return s
}
