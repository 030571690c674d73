// Command mockplatform serves the mock 采购监管平台 on a port, with an admin
// API on a second, loopback-only listener.
//
//	mockplatform -app-key 203000001 -app-secret ... [-addr 127.0.0.1:8700]
//	             [-admin-addr 127.0.0.1:8701] [-seed 1] [-rate-limit 20]
//	             [-fault-error-after 0.1 ...]
//
// The AppKey and AppSecret may come from ZCBRIDGE_MOCK_APP_KEY and
// ZCBRIDGE_MOCK_APP_SECRET instead of flags. The secret is never logged.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/zcbridge/zcbridge/mock"
)

// Environment variables read when the flags are not given.
const (
	envAppKey    = "ZCBRIDGE_MOCK_APP_KEY"
	envAppSecret = "ZCBRIDGE_MOCK_APP_SECRET"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	level := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	if err := run(ctx, os.Args[1:], os.Getenv, logger, level, nil); err != nil {
		logger.Error("mockplatform: Stopped.", slog.String("error", err.Error()))
		os.Exit(1)
	}
}

// options is what the command line configures.
type options struct {
	addr, adminAddr string
	cfg             mock.Config
	debug           bool
}

// parse reads args, falling back to getenv for the credentials.
func parse(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := flag.NewFlagSet("mockplatform", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, f := &o.cfg, &o.cfg.Faults

	fs.StringVar(&o.addr, "addr", "127.0.0.1:8700", "address of the platform API")
	fs.StringVar(&o.adminAddr, "admin-addr", "127.0.0.1:8701",
		"address of the admin API; must be a loopback address")
	fs.StringVar(&c.AppKey, "app-key", getenv(envAppKey), "the school's AppKey")
	fs.StringVar(&c.AppSecret, "app-secret", getenv(envAppSecret), "the school's AppSecret")
	fs.StringVar(&c.BasePath, "base-path", "", "path prefix, such as /openapi")
	fs.Int64Var(&c.Seed, "seed", 0, "seed of request ids and fault choices")
	fs.Float64Var(&c.RateLimit, "rate-limit", 0, "requests per second per AppKey; 0 = off")
	fs.IntVar(&c.PublishAfterReads, "publish-after-reads", 0,
		"result reads answered PUBLISHING/FILING before a record is decided")
	fs.DurationVar(&c.PublishAfter, "publish-after", 0, "delay before a record is decided")
	fs.IntVar(&c.StepAfterReads, "step-after-reads", 0,
		"project reads between two execution steps of a plan")
	fs.DurationVar(&c.StepAfter, "step-after", 0, "time between two execution steps")
	fs.Float64Var(&f.Latency, "fault-latency", 0, "share of requests delayed")
	fs.DurationVar(&f.LatencyDuration, "latency", 0, "delay of the latency fault")
	fs.Float64Var(&f.ErrorBeforeStore, "fault-error-before", 0, "share answered 5000 unstored")
	fs.Float64Var(&f.ErrorAfterStore, "fault-error-after", 0, "share stored, then answered 5000")
	fs.Float64Var(&f.StallAfterStore, "fault-stall", 0, "share stored, then stalled")
	fs.DurationVar(&f.MaxStall, "max-stall", 0, "longest stall")
	fs.Float64Var(&f.ResetBeforeStore, "fault-reset", 0, "share dropped unstored")
	fs.Float64Var(&f.RateLimited, "fault-429", 0, "share answered 4290 unstored")
	fs.DurationVar(&f.RetryAfter, "retry-after", 0, "Retry-After of the 4290 fault")
	fs.Float64Var(&f.NotEnvelope, "fault-html", 0, "share stored, then answered HTML")
	fs.BoolVar(&f.Reads, "fault-reads", false, "let result reads suffer faults too")
	fs.BoolVar(&o.debug, "debug", false, "log every request")

	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("mockplatform: %w", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("mockplatform: unexpected argument %q", fs.Arg(0))
	}
	if c.AppKey == "" || c.AppSecret == "" {
		return o, fmt.Errorf("mockplatform: -app-key and -app-secret (or %s and %s) are required",
			envAppKey, envAppSecret)
	}
	if err := checkLoopback(o.adminAddr); err != nil {
		return o, err
	}
	if err := c.Validate(); err != nil {
		return o, fmt.Errorf("mockplatform: %w", err)
	}
	return o, nil
}

// checkLoopback refuses an admin address that is not a loopback IP.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("mockplatform: admin address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("mockplatform: admin address %q is not a loopback IP", addr)
	}
	return nil
}

// run serves until ctx ends. level is the level of logger's handler, lowered
// to Debug by -debug; ready, when set, receives the bound addresses of the
// platform and admin listeners.
func run(ctx context.Context, args []string, getenv func(string) string,
	logger *slog.Logger, level *slog.LevelVar, ready func(api, admin net.Addr)) error {
	o, err := parse(args, getenv)
	if err != nil {
		return err
	}
	if o.debug {
		level.Set(slog.LevelDebug)
	}
	o.cfg.Logger = logger
	p := mock.New(o.cfg)

	api, err := net.Listen("tcp", o.addr)
	if err != nil {
		return fmt.Errorf("mockplatform: listen: %w", err)
	}
	admin, err := net.Listen("tcp", o.adminAddr)
	if err != nil {
		api.Close()
		return fmt.Errorf("mockplatform: listen admin: %w", err)
	}
	logger.Info("mockplatform: Serving.", slog.String("addr", api.Addr().String()),
		slog.String("admin_addr", admin.Addr().String()), slog.String("app_key", o.cfg.AppKey),
		slog.Int64("seed", o.cfg.Seed))
	if ready != nil {
		ready(api.Addr(), admin.Addr())
	}

	servers := []*http.Server{
		{Handler: p, ReadHeaderTimeout: 10 * time.Second},
		{Handler: p.AdminHandler(), ReadHeaderTimeout: 10 * time.Second},
	}
	errc := make(chan error, 2)
	for i, l := range []net.Listener{api, admin} {
		go func() { errc <- servers[i].Serve(l) }()
	}

	select {
	case <-ctx.Done():
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			for _, s := range servers {
				s.Close()
			}
			return fmt.Errorf("mockplatform: serve: %w", err)
		}
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, s := range servers {
		s.Shutdown(shutdown)
	}
	logger.Info("mockplatform: Stopped serving.")
	return nil
}
