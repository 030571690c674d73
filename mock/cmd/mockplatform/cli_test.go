package main

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runCLI runs the command's main logic with args and the environment envs
// and returns its exit status, what it wrote to stdout and stderr, and its
// log.
func runCLI(t *testing.T, args []string, envs map[string]string) (int, string, string,
	string) {
	t.Helper()
	var stdout, stderr, logs bytes.Buffer
	level := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: level}))
	// The context is already done: a command line that is accepted would
	// serve and stop at once; the refused ones never get that far.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	code := cli(ctx, args, env(envs), &stdout, &stderr, logger, level, nil)
	return code, stdout.String(), stderr.String(), logs.String()
}

// TestCLIHelp asks for help: the usage goes to stdout, listing every flag
// with its default and the environment variables, and the status is 0.
// The secret in the environment is not shown as a default.
func TestCLIHelp(t *testing.T) {
	const secret = "envSecretNotShown"
	for _, arg := range []string{"-h", "-help", "--help"} {
		t.Run(arg, func(t *testing.T) {
			code, stdout, stderr, logs := runCLI(t, []string{arg},
				map[string]string{envAppKey: "203000001", envAppSecret: secret})
			assert.Equal(t, 0, code)
			assert.Empty(t, stderr)
			assert.Empty(t, logs)
			assert.Contains(t, stdout, "Usage: mockplatform")
			assert.Contains(t, stdout, envAppKey)
			assert.Contains(t, stdout, envAppSecret)
			assert.NotContains(t, stdout, secret)
			for _, want := range []string{
				"-addr string", `(default "127.0.0.1:8700")`,
				"-admin-addr string", `(default "127.0.0.1:8701")`,
				"-app-key string", "-app-secret string", "-base-path string",
				"-seed int", "-latency duration", "(default 50ms)",
				"-max-stall duration", "(default 30s)", "-retry-after duration",
				"(default 1s)", "-fault-reads", "(default false)", "-debug",
			} {
				assert.Contains(t, stdout, want)
			}
		})
	}
}

// TestCLIRefusedCommandLine gives command lines the command refuses: each
// exits 2 with the reason on stderr, never as an Error log line; a flag it
// does not know or cannot read also prints the usage.
func TestCLIRefusedCommandLine(t *testing.T) {
	creds := map[string]string{envAppKey: "k", envAppSecret: "s"}
	tests := []struct {
		name   string
		args   []string
		env    map[string]string
		reason string
		usage  bool
	}{
		{"unknown flag", []string{"-no-such-flag"}, creds,
			"flag provided but not defined: -no-such-flag", true},
		{"bad value", []string{"-seed", "x"}, creds, `invalid value "x" for flag -seed`, true},
		{"stray argument", []string{"x"}, creds, `unexpected argument "x"`, false},
		{"no credentials", nil, nil, envAppSecret, false},
		{"public admin address", []string{"-admin-addr", "0.0.0.0:8701"}, creds,
			"not a loopback IP", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr, logs := runCLI(t, tt.args, tt.env)
			assert.Equal(t, 2, code)
			assert.Empty(t, stdout)
			assert.Empty(t, logs)
			assert.Contains(t, stderr, tt.reason)
			assert.Equal(t, tt.usage, strings.Contains(stderr, "Usage: mockplatform"), stderr)
			if !tt.usage {
				assert.Contains(t, stderr, "mockplatform -h")
			}
		})
	}
}

// TestCLIServeFailure cannot listen on its address: that is a failure to
// serve, status 1, logged as an Error.
func TestCLIServeFailure(t *testing.T) {
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer taken.Close()
	code, _, stderr, logs := runCLI(t, []string{"-addr", taken.Addr().String()},
		map[string]string{envAppKey: "k", envAppSecret: "s"})
	assert.Equal(t, 1, code)
	assert.Empty(t, stderr)
	assert.Contains(t, logs, "level=ERROR")
	assert.Contains(t, logs, "mockplatform: Stopped.")
}

// TestCLICleanStop serves and stops when its context ends: status 0.
func TestCLICleanStop(t *testing.T) {
	code, _, stderr, logs := runCLI(t, []string{"-addr", "127.0.0.1:0",
		"-admin-addr", "127.0.0.1:0"}, map[string]string{envAppKey: "k", envAppSecret: "s"})
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	assert.Contains(t, logs, "mockplatform: Stopped serving.")
	assert.NotContains(t, logs, "level=ERROR")
}

// TestCLIBasePath refuses a base path that would never match a request
// path, saying what form it must take.
func TestCLIBasePath(t *testing.T) {
	creds := map[string]string{envAppKey: "k", envAppSecret: "s"}
	for _, bp := range []string{"openapi", "/openapi/", "/"} {
		t.Run(bp, func(t *testing.T) {
			code, _, stderr, _ := runCLI(t, []string{"-base-path", bp}, creds)
			assert.Equal(t, 2, code)
			assert.Contains(t, stderr, `base path "`+bp+`"`)
			assert.Contains(t, stderr, `such as "/openapi"`)
		})
	}
	code, _, stderr, _ := runCLI(t, []string{"-base-path", "/openapi", "-addr", "127.0.0.1:0",
		"-admin-addr", "127.0.0.1:0"}, creds)
	assert.Equal(t, 0, code, stderr)
}
