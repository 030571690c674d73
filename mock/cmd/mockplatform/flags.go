package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"

	"github.com/zcbridge/zcbridge/mock"
)

// Environment variables read when the flags are not given.
const (
	envAppKey    = "ZCBRIDGE_MOCK_APP_KEY"
	envAppSecret = "ZCBRIDGE_MOCK_APP_SECRET"
)

// usageError is a command line the command refuses (exit status 2).
type usageError struct {
	err error
	// flags is set for a flag the command does not know or cannot read;
	// the usage is printed after it.
	flags bool
}

func (e *usageError) Error() string { return "mockplatform: " + e.err.Error() }

func (e *usageError) Unwrap() error { return e.err }

// refuse is a usageError saying format.
func refuse(format string, args ...any) error {
	return &usageError{err: fmt.Errorf(format, args...)}
}

// options is what the command line configures.
type options struct {
	addr, adminAddr string
	cfg             mock.Config
	debug           bool
	// secretFlag reports that -app-secret was given on the command line.
	secretFlag bool
}

// newFlagSet defines every flag of the command over o. The defaults are
// the values the platform uses; the credentials default to "" whatever the
// environment holds, so that the usage never shows the secret.
func newFlagSet(o *options) *flag.FlagSet {
	fs := flag.NewFlagSet("mockplatform", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c, f := &o.cfg, &o.cfg.Faults

	fs.StringVar(&o.addr, "addr", "127.0.0.1:8700",
		"address of the platform API; a host other than a loopback IP is warned of")
	fs.StringVar(&o.adminAddr, "admin-addr", "127.0.0.1:8701",
		"address of the admin API; must be a loopback IP")
	fs.StringVar(&c.AppKey, "app-key", "", "the school's AppKey (or $"+envAppKey+")")
	fs.StringVar(&c.AppSecret, "app-secret", "",
		"the school's AppSecret; prefer $"+envAppSecret+": a flag shows in ps")
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
	fs.DurationVar(&f.LatencyDuration, "latency", 50*time.Millisecond,
		"delay of the latency fault")
	fs.Float64Var(&f.ErrorBeforeStore, "fault-error-before", 0, "share answered 5000 unstored")
	fs.Float64Var(&f.ErrorAfterStore, "fault-error-after", 0, "share stored, then answered 5000")
	fs.Float64Var(&f.StallAfterStore, "fault-stall", 0, "share stored, then stalled")
	fs.DurationVar(&f.MaxStall, "max-stall", 30*time.Second, "longest stall")
	fs.Float64Var(&f.ResetBeforeStore, "fault-reset", 0, "share dropped unstored")
	fs.Float64Var(&f.RateLimited, "fault-429", 0, "share answered 4290 unstored")
	fs.DurationVar(&f.RetryAfter, "retry-after", time.Second, "Retry-After of the 4290 fault")
	fs.Float64Var(&f.NotEnvelope, "fault-html", 0, "share stored, then answered HTML")
	fs.BoolVar(&f.Reads, "fault-reads", false, "let result reads suffer faults too")
	fs.BoolVar(&o.debug, "debug", false, "log every request")
	return fs
}

// parse reads args, falling back to getenv for the credentials. It returns
// flag.ErrHelp for -h and -help, and a *usageError for a command line it
// refuses.
func parse(args []string, getenv func(string) string) (options, error) {
	var o options
	fs := newFlagSet(&o)
	c := &o.cfg
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return o, err
		}
		return o, &usageError{err: err, flags: true}
	}
	fs.Visit(func(f *flag.Flag) { o.secretFlag = o.secretFlag || f.Name == "app-secret" })
	if c.AppKey == "" {
		c.AppKey = getenv(envAppKey)
	}
	if c.AppSecret == "" {
		c.AppSecret = getenv(envAppSecret)
	}

	if fs.NArg() > 0 {
		return o, refuse("unexpected argument %q", fs.Arg(0))
	}
	if c.AppKey == "" || c.AppSecret == "" {
		return o, refuse("-app-key and -app-secret (or %s and %s) are required",
			envAppKey, envAppSecret)
	}
	if err := checkLoopback(o.adminAddr); err != nil {
		return o, refuse("%w", err)
	}
	if err := c.Validate(); err != nil {
		return o, refuse("%w", err)
	}
	return o, nil
}

// checkLoopback refuses an admin address that is not a loopback IP.
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("admin address %q: %w", addr, err)
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("admin address %q is not a loopback IP", addr)
	}
	return nil
}

// usage writes the command's synopsis, every flag with its default, and
// the environment it reads.
func usage(w io.Writer) {
	fmt.Fprint(w, `Usage: mockplatform [flags]

Serves the mock 采购监管平台 (the wire contract of regplatform) on -addr and
its admin API on -admin-addr, until interrupted.

Flags:
`)
	fs := newFlagSet(&options{})
	fs.VisitAll(func(f *flag.Flag) {
		kind, text := flag.UnquoteUsage(f)
		head := "  -" + f.Name
		if kind != "" {
			head += " " + kind
		}
		def := f.DefValue
		if kind == "string" {
			def = strconv.Quote(def)
		}
		fmt.Fprintf(w, "%s\n    \t%s (default %s)\n", head, text, def)
	})
	fmt.Fprintf(w, `
Environment:
  %s
    	the AppKey, when -app-key is not given
  %s
    	the AppSecret, when -app-secret is not given; use it rather than
    	-app-secret, which every user of the machine can read (ps)

-addr 0.0.0.0:PORT or :PORT serves the platform API on every interface, as
a container needs; the command allows it and logs a warning. The admin API
is refused anywhere but on a loopback IP.
`, envAppKey, envAppSecret)
}
