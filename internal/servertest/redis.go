package servertest

import (
	"context"
	"testing"

	"github.com/redis/go-redis/v9"
)

// Redis connects to the test server and returns a client with a random key
// prefix ending in ":" for tb. When tb ends, every key under the prefix is
// deleted and the client is closed. It skips or fails tb (see Unavailable)
// when Redis cannot be reached.
func Redis(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	// The probe does not retry, so an absent server is reported at once.
	probe := redis.NewClient(&redis.Options{Addr: RedisAddr(), MaxRetries: -1})
	err := probe.Ping(ctx).Err()
	_ = probe.Close()
	if err != nil {
		Unavailable(tb, "Redis", err)
	}

	client := redis.NewClient(&redis.Options{Addr: RedisAddr()})

	prefix := Name("zcb_test_") + ":"
	tb.Cleanup(func() {
		defer client.Close()
		ctx, cancel := cleanupContext()
		defer cancel()
		if err := DeletePrefix(ctx, client, prefix); err != nil {
			tb.Errorf("servertest: delete keys %s*: %v", prefix, err)
		}
	})
	return client, prefix
}

// DeletePrefix deletes every key whose name starts with prefix, scanning in
// batches so a large keyspace is not blocked.
func DeletePrefix(ctx context.Context, client redis.UniversalClient, prefix string) error {
	iter := client.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var batch []string
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == 500 {
			if err := client.Unlink(ctx, batch...).Err(); err != nil {
				return err
			}
			batch = batch[:0]
		}
	}
	if err := iter.Err(); err != nil {
		return err
	}
	if len(batch) > 0 {
		return client.Unlink(ctx, batch...).Err()
	}
	return nil
}
