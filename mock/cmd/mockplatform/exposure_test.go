package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestExposure(t *testing.T) {
	tests := []struct {
		addr, want string
	}{
		{"127.0.0.1:8700", ""},
		{"[::1]:8700", ""},
		{"localhost:8700", ""},
		{"0.0.0.0:18700", "every interface"},
		{":18700", "every interface"},
		{"[::]:18700", "every interface"},
		{"192.0.2.10:8700", "a non-loopback address"},
		{"mock.internal:8700", "a host name that may not be loopback"},
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			assert.Equal(t, tt.want, exposure(tt.addr))
		})
	}
}

// TestCLIWarnsOfExposure serves the platform API on every interface and
// passes the secret as a flag: both are allowed, and both are warned of,
// without the secret.
func TestCLIWarnsOfExposure(t *testing.T) {
	const secret = "flagSecretNotLogged"
	code, _, stderr, logs := runCLI(t, []string{"-addr", ":0", "-admin-addr", "127.0.0.1:0",
		"-app-key", "k", "-app-secret", secret}, nil)
	assert.Equal(t, 0, code)
	assert.Empty(t, stderr)
	assert.Contains(t, logs, `level=WARN msg="mockplatform: Platform API reachable from `+
		`other hosts."`)
	assert.Contains(t, logs, `addr=:0 exposure="every interface"`)
	assert.Contains(t, logs, `level=WARN msg="mockplatform: AppSecret given on the command `+
		`line; other users can read it."`)
	assert.Contains(t, logs, envAppSecret)
	assert.NotContains(t, logs, secret)
}

// TestCLILoopbackIsQuiet serves on loopback with the secret from the
// environment: nothing to warn of.
func TestCLILoopbackIsQuiet(t *testing.T) {
	code, _, _, logs := runCLI(t, []string{"-addr", "127.0.0.1:0",
		"-admin-addr", "127.0.0.1:0"}, map[string]string{envAppKey: "k", envAppSecret: "s"})
	assert.Equal(t, 0, code)
	assert.NotContains(t, logs, "level=WARN")
}
