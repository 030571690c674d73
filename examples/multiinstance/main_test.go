package main

import (
	"bytes"
	"context"
	"regexp"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/servertest"
)

// TestMultiinstance runs the example and checks its summary: three distinct
// owners, the lease derived from the client's settings, every waiting record
// at its end and accepted once, and the schema gone afterwards.
func TestMultiinstance(t *testing.T) {
	url := servertest.PostgresServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	t.Setenv(EnvOwner, "app")

	var out bytes.Buffer
	require.NoError(t, run(ctx, &out, url), out.String())
	got := out.String()

	for _, want := range []string{
		`owners +\[app-1 app-2 app-3\]`,
		`lease TTL +20s = 2 × \(3 × 2s \+ 2 × 2s\)`,
		`rate limit +6\.67/s per engine = 20/s per AppKey ÷ 3 engines`,
		`running 60 waiting records on 3 engines`,
		`(?m)^app-1 +\d+`, `(?m)^app-2 +\d+`, `(?m)^app-3 +\d+`,
		`platform: 60 revisions accepted, 0 of them more than once`,
		`campus: 18 单一来源公示发布中; 24 已公开; 6 校内单一来源公示; 18 采购监管平台执行中;`,
	} {
		assert.Regexp(t, regexp.MustCompile(want), got)
	}

	schema := regexp.MustCompile(`schema (zcb_multiinstance_[0-9a-f]{12})`).FindStringSubmatch(got)
	require.Len(t, schema, 2, got)
	conn, err := pgx.Connect(ctx, url)
	require.NoError(t, err)
	defer conn.Close(ctx)
	var left int
	require.NoError(t, conn.QueryRow(ctx,
		`SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema[1]).Scan(&left))
	assert.Zero(t, left, "schema %s left behind", schema[1])
}

func TestLeaseOutlastsTheLongestSend(t *testing.T) {
	s := deployment
	assert.Equal(t, 10*time.Second, s.send())
	assert.Equal(t, 20*time.Second, s.leaseTTL())

	s.retry.MaxAttempts = 1
	assert.Equal(t, 2*time.Second, s.send(), "one attempt waits for nothing else")
	r, burst := deployment.clientRate()
	assert.InDelta(t, 20.0/3, float64(r), 1e-9)
	assert.Equal(t, 6, burst)
}
