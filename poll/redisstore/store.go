package redisstore

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/poll/internal/storerules"
)

// DefaultPrefix is the key prefix a Store uses unless WithPrefix sets one.
const DefaultPrefix = "zcbridge:"

// states are the push states in the order of the index KEYS the scripts
// take after the entry's hash.
var states = []poll.PushState{
	poll.StatePending, poll.StateInDoubt, poll.StateAccepted, poll.StateFinished,
}

// Store is a poll.IdempotencyStore kept in Redis. It is safe for concurrent
// use by many goroutines, processes and machines sharing one Redis. It does
// not keep the outbox.
type Store struct {
	rdb    redis.UniversalClient
	owned  bool
	prefix string
	clock  func() time.Time
}

var _ poll.IdempotencyStore = (*Store)(nil)

// Option configures a Store.
type Option func(*Store)

// WithPrefix puts every key of the store under prefix, so several
// deployments or test runs can share one Redis. On Redis Cluster the prefix
// must carry a hash tag (for example "{zcbridge}:"), which puts all the
// store's keys in one slot. Defaults to DefaultPrefix.
func WithPrefix(prefix string) Option {
	return func(s *Store) { s.prefix = prefix }
}

// WithClock sets the clock that lease expiry and updated_at are read from.
// Redis's own clock is never used, so all processes sharing a store must
// have synchronised clocks. Defaults to time.Now.
func WithClock(clock func() time.Time) Option {
	return func(s *Store) { s.clock = clock }
}

// New returns a Store on rdb. The client stays the caller's: Close does not
// close it.
func New(rdb redis.UniversalClient, opts ...Option) *Store {
	s := &Store{rdb: rdb, prefix: DefaultPrefix, clock: time.Now}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Open connects to the Redis named by rawURL (redis:// or rediss://, see
// redis.ParseURL), checks the connection and returns a Store that owns the
// client. It fails when the URL does not parse or the server does not
// answer; the error never repeats the URL's password.
func Open(ctx context.Context, rawURL string, opts ...Option) (*Store, error) {
	o, err := redis.ParseURL(rawURL)
	if err != nil {
		// A *url.Error repeats the whole URL, password included; keep its
		// cause only.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, fmt.Errorf("redisstore: parse URL: %w", err)
	}
	rdb := redis.NewClient(o)
	if err := rdb.Ping(ctx).Err(); err != nil {
		_ = rdb.Close()
		return nil, fmt.Errorf("redisstore: connect: %w", err)
	}

	s := New(rdb, opts...)
	s.owned = true
	return s, nil
}

// Close closes the client when Open created it; a client passed to New is
// left open.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	if err := s.rdb.Close(); err != nil {
		return fmt.Errorf("redisstore: close: %w", err)
	}
	return nil
}

// entryKey names the hash of key. Flow and source ID are escaped, so a
// colon in either cannot make two keys collide.
func (s *Store) entryKey(k poll.Key) string {
	return s.prefix + "push:" + url.QueryEscape(k.Flow) + ":" +
		url.QueryEscape(k.SourceID) + ":" + strconv.Itoa(k.Revision)
}

// indexKey names the sorted set of flow's entries in state.
func (s *Store) indexKey(flow string, state poll.PushState) string {
	return s.prefix + "index:" + url.QueryEscape(flow) + ":" + string(state)
}

// keys returns the KEYS every script takes for k.
func (s *Store) keys(k poll.Key) []string {
	keys := make([]string, 0, 1+len(states))
	keys = append(keys, s.entryKey(k))
	for _, st := range states {
		keys = append(keys, s.indexKey(k.Flow, st))
	}
	return keys
}

// now reads the clock at the store's microsecond precision.
func (s *Store) now() time.Time {
	return s.clock().Truncate(time.Microsecond)
}

// micros formats t as the Unix microseconds the hash keeps.
func micros(t time.Time) string {
	return strconv.FormatInt(t.UnixMicro(), 10)
}

// parseEntry builds an entry from a hash's fields.
func parseEntry(h map[string]string) (poll.Entry, error) {
	var e poll.Entry
	rev, err := strconv.Atoi(h["revision"])
	if err != nil {
		return e, fmt.Errorf("revision %q: %w", h["revision"], err)
	}
	fence, err := strconv.ParseInt(h["fence"], 10, 64)
	if err != nil {
		return e, fmt.Errorf("fence %q: %w", h["fence"], err)
	}
	attempts, err := strconv.Atoi(h["attempts"])
	if err != nil {
		return e, fmt.Errorf("attempts %q: %w", h["attempts"], err)
	}
	until, err := parseMicros(h["lease_until"])
	if err != nil {
		return e, fmt.Errorf("lease_until: %w", err)
	}
	updated, err := parseMicros(h["updated_at"])
	if err != nil {
		return e, fmt.Errorf("updated_at: %w", err)
	}

	e = poll.Entry{
		Key:        poll.Key{Flow: h["flow"], SourceID: h["source_id"], Revision: rev},
		State:      poll.PushState(h["state"]),
		Owner:      h["owner"],
		Fence:      fence,
		LeaseUntil: until,
		ReceiptID:  h["receipt_id"],
		Outcome:    h["outcome"],
		LastError:  h["last_error"],
		Attempts:   attempts,
		UpdatedAt:  updated,
	}
	if body, ok := h["body"]; ok {
		e.Body = []byte(body)
	}
	return e, nil
}

// parseMicros reads Unix microseconds; "" is the zero time.
func parseMicros(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMicro(n), nil
}

// pairs turns an HGETALL reply returned by a script into a map.
func pairs(reply any) (map[string]string, error) {
	list, ok := reply.([]any)
	if !ok || len(list)%2 != 0 {
		return nil, fmt.Errorf("unexpected hash reply %T", reply)
	}
	h := make(map[string]string, len(list)/2)
	for i := 0; i < len(list); i += 2 {
		k, ok1 := list[i].(string)
		v, ok2 := list[i+1].(string)
		if !ok1 || !ok2 {
			return nil, errors.New("unexpected hash reply element")
		}
		h[k] = v
	}
	return h, nil
}

// scriptError turns a script's answer into the store's error for op on k.
func scriptError(op string, k poll.Key, fence int64, answer string) error {
	ks := storerules.KeyString(k)
	switch {
	case answer == "ok":
		return nil
	case answer == "lost":
		return fmt.Errorf("redisstore: %s %s (fence %d): %w", op, ks, fence, poll.ErrLeaseLost)
	case answer == "body":
		return fmt.Errorf("redisstore: %s %s: %w", op, ks, poll.ErrBodyChanged)
	case answer == "empty":
		return fmt.Errorf("redisstore: %s %s: %w", op, ks, storerules.ErrEmptyBody)
	case strings.HasPrefix(answer, "state:"):
		state := strings.TrimPrefix(answer, "state:")
		if state == "" {
			state = "no entry"
		}
		return fmt.Errorf("redisstore: %s %s (state %s): %w", op, ks, state, poll.ErrWrongState)
	default:
		return fmt.Errorf("redisstore: %s %s: unexpected script answer %q", op, ks, answer)
	}
}
