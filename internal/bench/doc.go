// Package bench holds the end-to-end benchmarks of zcbridge: records per
// second through the poll engine, the regplatform client and the mock
// platform served over HTTP on 127.0.0.1, on the SQLite and PostgreSQL
// stores (and the memory store as a baseline), and the cost of one tick as
// the number of records awaiting a result grows. docs/performance.md gives
// the commands and the figures measured.
//
// The package has no API: everything lives in its test files. The tests
// that go test runs by default are small and check the counts the
// benchmarks report; the benchmarks run only with -bench.
//
// Known limits: the mock platform runs in the benchmark's own process, so
// its CPU time and allocations are part of every figure; the host's table
// is kept in memory, so a host database's own cost is not measured; the
// engine logs to a discarding handler. PostgreSQL is reached at
// ZCBRIDGE_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
// when it cannot be reached its cases are skipped, or fail under CI=true.
package bench
