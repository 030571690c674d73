// Quickstart runs all four flows of zcbridge end to end on one machine: the
// mock platform on 127.0.0.1, a SQLite database standing for the campus
// system, the embedded SQLite idempotency store, two local receivers standing
// for the campus portal (校端门户) and 云采通, and the engine.
//
// It seeds the sample intentions, single-source notices and plans, plays the
// clerk's part (confirm, approve, push; edit and republish what the platform
// refuses), prints every status change as it happens and ends with a table of
// every record. It exits 0 when every record has reached its end.
//
//	go run ./examples/quickstart
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/zcbridge/zcbridge/examples/internal/campus"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/sqlitestore"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// The school's credentials on the mock platform. A real deployment reads
// them from its secret store; they never appear in a log line.
const (
	appKey    = "203000001"
	appSecret = "quickstart-secret-0123456789abcdef"
	sinkKey   = "quickstart-sink-secret"
)

// thresholds is the reporting configuration of the requirement, used for
// single-source notices and for plans alike.
const thresholds = "A:1000000,B:1000000,C:1000000,JC:1"

// deadline bounds the whole run.
const deadline = 60 * time.Second

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	if err := run(ctx, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "quickstart:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, out io.Writer) error {
	dir, err := os.MkdirTemp("", "zcbridge-quickstart-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	quiet := slog.New(slog.NewTextHandler(out, &slog.HandlerOptions{Level: slog.LevelError}))

	platform := mock.New(mock.Config{AppKey: appKey, AppSecret: appSecret, PublishAfterReads: 1})
	script(platform)
	platformURL, stop, err := serve(platform)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintf(out, "mock platform on %s\n", platformURL)

	portal, err := newReceiver(out, "校端门户")
	if err != nil {
		return err
	}
	defer portal.stop()
	yct, err := newReceiver(out, "云采通")
	if err != nil {
		return err
	}
	defer yct.stop()

	changes := make(chan campus.Change, 256)
	db, err := campus.Open(ctx, dir+"/campus.db", func(c campus.Change) {
		printChange(out, c)
		changes <- c
	})
	if err != nil {
		return err
	}
	defer db.Close()

	store, err := sqlitestore.Open(ctx, dir+"/zcbridge.db")
	if err != nil {
		return err
	}
	defer store.Close()

	client, err := regplatform.NewClient(
		regplatform.WithBaseURL(platformURL),
		regplatform.WithCredentials(appKey, appSecret),
		regplatform.WithTimeout(2*time.Second),
		regplatform.WithLogger(quiet),
	)
	if err != nil {
		return err
	}

	h, err := newHost(db, sm.MustParseThresholds(thresholds))
	if err != nil {
		return err
	}
	engine, err := newEngine(client, store, h, []poll.Sink{portal.sink, yct.sink}, quiet)
	if err != nil {
		return err
	}

	fmt.Fprintln(out, "\nseeding the campus system and playing the clerk's part:")
	if err := h.seed(ctx); err != nil {
		return err
	}

	fmt.Fprintln(out, "\nrunning the engine:")
	if err := drive(ctx, engine, h, changes); err != nil {
		return err
	}
	// One more pass lets the sinks deliver what the last tick enqueued.
	if err := engine.Tick(ctx); err != nil {
		return err
	}
	return report(ctx, out, db, portal, yct)
}

// drive ticks the engine until every record has reached its end, reacting to
// the platform's refusals as a clerk would.
func drive(ctx context.Context, engine *poll.Engine, h *host,
	changes <-chan campus.Change) error {
	const pause = 50 * time.Millisecond
	for {
		if err := engine.Tick(ctx); err != nil {
			return fmt.Errorf("tick: %w", err)
		}
		for drained := false; !drained; {
			select {
			case c := <-changes:
				if err := h.react(ctx, c); err != nil {
					return err
				}
			default:
				drained = true
			}
		}

		done, err := h.done(ctx)
		if err != nil || done {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("records still open after %s: %w", deadline, ctx.Err())
		case <-time.After(pause):
		}
	}
}

// serve runs h on a free loopback port and returns its base URL.
func serve(h http.Handler) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "quickstart: serve:", err)
		}
	}()
	return "http://" + ln.Addr().String(), func() { srv.Close() }, nil
}

// printChange prints one status change; an edit that keeps the status (修改)
// is shown as an edit.
func printChange(out io.Writer, c campus.Change) {
	rev := fmt.Sprint(c.Revision)
	if c.NextRevision {
		rev += fmt.Sprintf("→%d", c.Revision+1)
	}
	move := c.From + " → " + c.To
	if c.From == c.To {
		move = c.From + ", request edited"
	}
	fmt.Fprintf(out, "  %-13s %-14s rev %-4s %s  (%s)%s\n", c.Flow, c.SourceID, rev, move,
		c.Cause, suffix(c.Detail))
}

func suffix(detail string) string {
	if detail == "" {
		return ""
	}
	return "  " + detail
}
