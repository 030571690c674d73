package servertest

import (
	"fmt"
	"regexp"
	"runtime"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recorder stands in for the testing.TB a helper is given: it records a
// skip or a failure and ends the helper's goroutine as the real one would.
type recorder struct {
	testing.TB
	skipped, failed bool
	msg             string
}

func (r *recorder) Helper() {}

func (r *recorder) Skipf(format string, args ...any) {
	r.skipped, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Fatalf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed, r.msg = true, fmt.Sprintf(format, args...)
}

// run calls helper with r in a goroutine of its own, as the testing package
// runs a test, and waits for it to return or end.
func (r *recorder) run(helper func(testing.TB)) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		helper(r)
	}()
	<-done
}

// unreachable is an address where no server listens: port 1 on loopback.
const unreachable = "127.0.0.1:1"

func TestUnreachableServerSkipsOrFails(t *testing.T) {
	helpers := map[string]struct {
		env    string
		value  string
		helper func(testing.TB)
	}{
		"postgres": {EnvPostgresURL, "postgres://postgres@" + unreachable + "/test",
			func(tb testing.TB) { PostgresSchema(tb) }},
		"postgres-prefix": {EnvPostgresURL, "postgres://postgres@" + unreachable + "/test",
			func(tb testing.TB) { PostgresSchemaWithPrefix(tb, "zcb_other_") }},
		"postgres-server": {EnvPostgresURL, "postgres://postgres@" + unreachable + "/test",
			func(tb testing.TB) { PostgresServer(tb) }},
		"postgres-pool": {EnvPostgresURL, "postgres://postgres@" + unreachable + "/test",
			func(tb testing.TB) { PostgresPool(tb) }},
		"mysql": {EnvMySQLDSN, "root@tcp(" + unreachable + ")/test",
			func(tb testing.TB) { MySQLDatabase(tb) }},
		"redis": {EnvRedisAddr, unreachable,
			func(tb testing.TB) { Redis(tb) }},
	}
	modes := []struct {
		ci       string
		wantFail bool
	}{
		{"true", true},
		{"", false},
		{"false", false},
	}
	for name, h := range helpers {
		for _, m := range modes {
			t.Run(name+"/CI="+m.ci, func(t *testing.T) {
				t.Setenv(h.env, h.value)
				t.Setenv("CI", m.ci)

				r := &recorder{TB: t}
				r.run(h.helper)

				assert.Equal(t, m.wantFail, r.failed, "failed: %s", r.msg)
				assert.Equal(t, !m.wantFail, r.skipped, "skipped: %s", r.msg)
				assert.Contains(t, r.msg, "servertest:")
			})
		}
	}
}

func TestAddressesFromEnvironment(t *testing.T) {
	cases := []struct {
		env  string
		get  func() string
		def  string
		over string
	}{
		{EnvPostgresURL, PostgresURL, DefaultPostgresURL, "postgres://u@db:5433/x"},
		{EnvMySQLDSN, MySQLDSN, DefaultMySQLDSN, "u:p@tcp(db:3307)/x"},
		{EnvRedisAddr, RedisAddr, DefaultRedisAddr, "cache:6380"},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			t.Setenv(c.env, "")
			assert.Equal(t, c.def, c.get())
			t.Setenv(c.env, c.over)
			assert.Equal(t, c.over, c.get())
		})
	}
}

func TestNameIsRandomAndSafe(t *testing.T) {
	safe := regexp.MustCompile(`^zcb_test_[0-9a-f]{12}$`)
	seen := make(map[string]bool)
	for range 100 {
		n := Name("zcb_test_")
		require.Regexp(t, safe, n)
		assert.False(t, seen[n], "name %s given twice", n)
		seen[n] = true
	}
}
