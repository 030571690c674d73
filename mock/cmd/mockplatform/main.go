// Command mockplatform serves the mock 采购监管平台 on a port, with an admin
// API on a second, loopback-only listener.
//
//	ZCBRIDGE_MOCK_APP_KEY=203000001 ZCBRIDGE_MOCK_APP_SECRET=... \
//	mockplatform [-addr 127.0.0.1:8700] [-admin-addr 127.0.0.1:8701] \
//	             [-seed 1] [-rate-limit 20] [-fault-error-after 0.1 ...]
//
// The AppKey and AppSecret come from -app-key and -app-secret or, better
// for the secret (a command line shows in ps), from ZCBRIDGE_MOCK_APP_KEY
// and ZCBRIDGE_MOCK_APP_SECRET. The secret is never logged. mockplatform
// -h lists every flag. An -addr beyond loopback (0.0.0.0:PORT or :PORT,
// as a container needs) and a secret given as a flag are allowed and
// logged as warnings. The exit status is 0 after -h or a clean stop, 2 for
// a command line it refuses, 1 when it cannot serve.
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

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	level := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	code := cli(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr, logger, level, nil)
	stop()
	os.Exit(code)
}

// cli is the command: it reads args (and getenv for the credentials),
// serves until ctx ends and returns the exit status. The usage asked for
// goes to stdout, a refused command line to stderr; serving is reported
// through logger, whose handler's level -debug lowers. ready, when set,
// receives the bound addresses of the platform and admin listeners.
func cli(ctx context.Context, args []string, getenv func(string) string,
	stdout, stderr io.Writer, logger *slog.Logger, level *slog.LevelVar,
	ready func(api, admin net.Addr)) int {
	o, err := parse(args, getenv)
	switch {
	case errors.Is(err, flag.ErrHelp):
		usage(stdout)
		return 0
	case err != nil:
		fmt.Fprintln(stderr, err)
		if ue, ok := errors.AsType[*usageError](err); ok && ue.flags {
			fmt.Fprintln(stderr)
			usage(stderr)
		} else {
			fmt.Fprintln(stderr, "Run mockplatform -h for the flags.")
		}
		return 2
	}
	if err := run(ctx, o, logger, level, ready); err != nil {
		logger.Error("mockplatform: Stopped.", slog.String("error", err.Error()))
		return 1
	}
	return 0
}

// run serves the platform o configures until ctx ends.
func run(ctx context.Context, o options, logger *slog.Logger, level *slog.LevelVar,
	ready func(api, admin net.Addr)) error {
	if o.debug {
		level.Set(slog.LevelDebug)
	}
	o.cfg.Logger = logger
	p := mock.New(o.cfg)
	warnExposure(logger, o)

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
