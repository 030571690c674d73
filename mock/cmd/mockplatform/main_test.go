package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestParse(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		ok   bool
	}{
		{"flags", []string{"-app-key", "k", "-app-secret", "s"}, nil, true},
		{"environment", nil, map[string]string{envAppKey: "k", envAppSecret: "s"}, true},
		{"no key", []string{"-app-secret", "s"}, nil, false},
		{"public admin address", []string{"-app-key", "k", "-app-secret", "s",
			"-admin-addr", "0.0.0.0:8701"}, nil, false},
		{"admin host name", []string{"-app-key", "k", "-app-secret", "s",
			"-admin-addr", "localhost:8701"}, nil, false},
		{"bad rate", []string{"-app-key", "k", "-app-secret", "s", "-fault-stall", "2"},
			nil, false},
		{"stray argument", []string{"-app-key", "k", "-app-secret", "s", "x"}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parse(tt.args, env(tt.env))
			if !tt.ok {
				require.Error(t, err)
				assert.NotContains(t, err.Error(), "-app-secret s")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, "k", o.cfg.AppKey)
			assert.Equal(t, "127.0.0.1:8700", o.addr)
			assert.Equal(t, "127.0.0.1:8701", o.adminAddr)
		})
	}
}

// TestRun serves on ephemeral loopback ports, answers a signed read and the
// admin API, and stops when its context ends. The secret is never logged.
func TestRun(t *testing.T) {
	const key, secret = "203000001", "commandTestSecret"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var logs bytes.Buffer
	level := new(slog.LevelVar)
	logger := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: level}))
	addrs := make(chan [2]net.Addr, 1)
	done := make(chan int, 1)
	go func() {
		done <- cli(ctx, []string{"-addr", "127.0.0.1:0", "-admin-addr", "127.0.0.1:0",
			"-app-key", key, "-app-secret", secret, "-debug"}, env(nil), io.Discard,
			io.Discard, logger, level,
			func(api, admin net.Addr) { addrs <- [2]net.Addr{api, admin} })
	}()
	var a [2]net.Addr
	select {
	case a = <-addrs:
	case code := <-done:
		require.FailNow(t, "the command ended", "status %d", code)
	}
	client := &http.Client{Timeout: 5 * time.Second}

	r, err := http.NewRequest(http.MethodGet,
		"http://"+a[0].String()+"/v1/intentions/results?source_ids=YX1", nil)
	require.NoError(t, err)
	signed := map[string]string{
		regplatform.HeaderKey:             key,
		regplatform.HeaderTimestamp:       strconv.FormatInt(time.Now().UnixMilli(), 10),
		regplatform.HeaderNonce:           "cmd-test-nonce",
		regplatform.HeaderSignatureMethod: string(regplatform.HmacSHA256),
	}
	r.Header.Set("Accept", "application/json")
	for k, v := range signed {
		r.Header.Set(k, v)
	}
	r.Header.Set(regplatform.HeaderSignatureHeaders, regplatform.SignedHeaderNames(signed))
	sig, err := regplatform.Sign(regplatform.HmacSHA256, secret, regplatform.StringToSign(
		regplatform.SignInput{Method: "GET", Accept: "application/json", Headers: signed,
			Path: r.URL.Path, Query: r.URL.Query()}))
	require.NoError(t, err)
	r.Header.Set(regplatform.HeaderSignature, sig)

	resp, err := client.Do(r)
	require.NoError(t, err)
	var envl regplatform.Envelope
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&envl))
	resp.Body.Close()
	assert.Equal(t, regplatform.CodeOK, envl.Code, envl.Message)

	resp, err = client.Get("http://" + a[1].String() + "/admin/requests")
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, string(body), envl.RequestID)

	cancel()
	assert.Equal(t, 0, <-done)
	assert.Contains(t, logs.String(), "mockplatform: Serving.")
	assert.Contains(t, logs.String(), "mock: Request served.")
	assert.NotContains(t, logs.String(), secret)
	assert.NotContains(t, logs.String(), sig)
}
