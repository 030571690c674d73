package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/zcbridge/zcbridge/examples/internal/campus"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/pgstore"
	"github.com/zcbridge/zcbridge/regplatform"
)

// The school's credentials on the mock platform. A deployment reads them
// from its secret store; they never appear in a log line.
const (
	appKey    = "203000001"
	appSecret = "multiinstance-secret-0123456789ab"
)

// run seeds the campus system, runs the engines against the store at url
// until every waiting record has reached its end, and prints the summary.
// It drops the schema it created, whatever happens.
func run(ctx context.Context, out io.Writer, url string) (err error) {
	schema, drop, err := newSchema(ctx, url)
	if err != nil {
		return err
	}
	defer func() { err = errors.Join(err, drop()) }()

	platform := mock.New(mock.Config{
		AppKey: appKey, AppSecret: appSecret, RateLimit: deployment.platformRate,
		PublishAfterReads: 1, Seed: 1,
		// One push in ten is stored and then answered 5000: the client
		// retries, and the platform takes the retry as a duplicate.
		Faults: mock.FaultConfig{ErrorAfterStore: 0.1},
	})
	platformURL, stop, err := serve(platform)
	if err != nil {
		return err
	}
	defer stop()

	dir, err := os.MkdirTemp("", "zcbridge-multiinstance-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	done := make(chan campus.Change, 256)
	db, err := campus.Open(ctx, filepath.Join(dir, "campus.db"), func(c campus.Change) {
		if ends[c.To] {
			done <- c
		}
	})
	if err != nil {
		return err
	}
	defer db.Close()
	h := newHost(db)
	waiting, err := h.seed(ctx)
	if err != nil {
		return err
	}

	owners := make([]string, deployment.engines)
	for i := range owners {
		owners[i] = fmt.Sprintf("%s-%d", ownerPrefix(), i+1)
	}
	fmt.Fprintln(out, "settings:")
	for _, l := range deployment.describe(owners, schema) {
		fmt.Fprintln(out, "  "+l)
	}
	fmt.Fprintf(out, "\nrunning %d waiting records on %d engines\n", waiting, len(owners))

	stats, err := runEngines(ctx, url, schema, platformURL, owners, h, done, waiting)
	if err != nil {
		return err
	}
	return summary(ctx, out, h, platform, owners, stats)
}

// runEngines starts one engine per owner, each with its own store handle
// and client, and stops them once want records have reached their end.
func runEngines(ctx context.Context, url, schema, platformURL string, owners []string,
	h *host, done <-chan campus.Change, want int) ([]*counts, error) {
	var wg sync.WaitGroup
	defer wg.Wait()
	// Cancelling, deferred after the wait, runs before it: it stops the
	// engines, then the wait lets them finish their tick.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	quiet := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{
		Level: slog.LevelError}))
	stats := make([]*counts, len(owners))
	for i, owner := range owners {
		stats[i] = &counts{}
		e, closeStore, err := newEngine(ctx, url, schema, platformURL, owner, h, stats[i],
			quiet)
		if err != nil {
			return nil, err
		}
		wg.Go(func() {
			defer closeStore()
			_ = e.Run(ctx) // returns nil once ctx ends
		})
	}

	for n := 0; n < want; n++ {
		select {
		case <-done:
		case <-ctx.Done():
			return nil, fmt.Errorf("%d of %d records done: %w", n, want, ctx.Err())
		}
	}
	return stats, nil
}

// newEngine builds one engine as an application server would: its own
// store handle on the shared schema (migrated, which is idempotent and safe
// from many engines at once), its own client with its share of the rate
// limit, and a lease that outlasts its longest send.
func newEngine(ctx context.Context, url, schema, platformURL, owner string, h *host,
	m poll.Metrics, logger *slog.Logger) (*poll.Engine, func(), error) {
	store, err := pgstore.Open(ctx, url, pgstore.WithSchema(schema))
	if err != nil {
		return nil, nil, err
	}
	if err := store.Migrate(ctx); err != nil {
		store.Close()
		return nil, nil, err
	}

	r, burst := deployment.clientRate()
	client, err := regplatform.NewClient(
		regplatform.WithBaseURL(platformURL),
		regplatform.WithCredentials(appKey, appSecret),
		regplatform.WithTimeout(deployment.timeout),
		regplatform.WithRetryPolicy(deployment.retry),
		regplatform.WithRateLimit(r, burst),
		regplatform.WithLogger(logger),
	)
	if err != nil {
		store.Close()
		return nil, nil, err
	}

	e, err := poll.New(poll.Config{
		Store: store,
		Flows: []poll.Flow{
			poll.IntentionFlow(client.Intentions, h.intentions),
			poll.SingleSourceFlow(client.SingleSource, h.notices),
			poll.PlanFlow(client.Plans, h.plans),
		},
		Owner:    owner,
		Interval: deployment.interval,
		LeaseTTL: deployment.leaseTTL(),
		// Results are read on ticks; a short first wait keeps the demo
		// brief. Production keeps the defaults (30s, up to 10m).
		PollMin: deployment.interval,
		PollMax: 4 * deployment.interval,
		Logger:  logger,
		Metrics: m,
	})
	if err != nil {
		store.Close()
		return nil, nil, err
	}
	return e, func() { store.Close() }, nil
}

// summary prints what each engine did, what the platform accepted and
// where the records ended, and fails unless every revision the platform
// holds was accepted exactly once.
func summary(ctx context.Context, out io.Writer, h *host, p *mock.Platform, owners []string,
	stats []*counts) error {
	fmt.Fprintf(out, "\n%-24s %7s %9s %9s %11s %8s\n", "engine", "pushed", "in doubt",
		"not sent", "reconciled", "applied")
	for i, owner := range owners {
		c := stats[i].snapshot()
		fmt.Fprintf(out, "%-24s %7d %9d %9d %11d %8d\n", owner, c.pushed, c.inDoubt,
			c.notSent, c.reconciled, c.applied)
	}

	fmt.Fprintln(out, "(applied counts outcomes each engine handed over; engines reading "+
		"the same result hand it over again, which the campus system's compare-and-set "+
		"makes harmless)")

	accepted, duplicates := p.AcceptedCounts(), 0
	for _, r := range p.Requests() {
		if r.Outcome == mock.OutcomeDuplicate {
			duplicates++
		}
	}
	var twice []string
	for k, n := range accepted {
		if n != 1 {
			twice = append(twice, fmt.Sprintf("%s %s/%d ×%d", k.Flow, k.SourceID, k.Revision, n))
		}
	}
	fmt.Fprintf(out, "\nplatform: %d revisions accepted, %d of them more than once; "+
		"%d repeated pushes taken as duplicates\n", len(accepted), len(twice), duplicates)

	tally, err := h.tally(ctx)
	if err != nil {
		return err
	}
	labels := make([]string, 0, len(tally))
	for l := range tally {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	fmt.Fprint(out, "campus:")
	for _, l := range labels {
		fmt.Fprintf(out, " %d %s;", tally[l], l)
	}
	fmt.Fprintln(out)

	if len(twice) > 0 {
		return fmt.Errorf("revisions accepted more than once: %v", twice)
	}
	return nil
}

// newSchema creates a schema with a random name for the store and returns
// it with the function that drops it.
func newSchema(ctx context.Context, url string) (string, func() error, error) {
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		return "", nil, fmt.Errorf("connect %s: %w", redacted(url), err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return "", nil, fmt.Errorf("connect %s: %w", redacted(url), err)
	}

	var b [6]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported systems
	schema := "zcb_multiinstance_" + hex.EncodeToString(b[:])
	ident := pgx.Identifier{schema}.Sanitize()
	if _, err := pool.Exec(ctx, "CREATE SCHEMA "+ident); err != nil {
		pool.Close()
		return "", nil, fmt.Errorf("create schema %s: %w", schema, err)
	}
	drop := func() error {
		defer pool.Close()
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := pool.Exec(ctx, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
			return fmt.Errorf("drop schema %s: %w", schema, err)
		}
		return nil
	}
	return schema, drop, nil
}

// redacted returns url without its password, for error texts.
func redacted(url string) string {
	cfg, err := pgx.ParseConfig(url)
	if err != nil {
		return "(unparsable URL)"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
}

// serve runs h on a free loopback port and returns its base URL.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}
