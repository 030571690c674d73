// Package crashtest is the crash-and-fault test of the poll engine: three
// engine processes share one PostgreSQL idempotency store (poll/pgstore)
// and one host database, against a mock platform that fails about a fifth
// of the pushes, while one engine is killed with SIGKILL and started again.
//
// The package holds the test's campus system (Host: records with their
// business status, one poll.Source per push flow, and the clerk who
// republishes what the platform refused, every status move made by the
// flow's state machine with a compare-and-set), the generator of its
// records from internal/fixtures, the engine each process runs (RunEngine)
// and the checks of the end state (Host.Verify, UnexplainedResends).
// TestCrashAndFault drives it; TestEngineProcess is the engine process, the
// test binary run again.
//
// What a run proves: every (flow, source_id, revision) was accepted once by
// the platform; a revision was sent again only after an attempt of it left
// its sender without an answer (the platform's dedupe would otherwise hide a
// second engine pushing the same revision); every record reached its end
// (已公开, 单一来源公示发布中, 采购监管平台执行中), those refused first at
// revision 2; each effect of an outcome on a record happened exactly once,
// while repeated deliveries of an outcome (allowed) are counted apart.
//
// Run it with
//
//	go test -race -count=1 -run TestCrashAndFault ./internal/crashtest
//	ZCBRIDGE_SOAK=10 go test -race -count=1 -timeout 40m \
//		-run TestCrashAndFault ./internal/crashtest
//
// PostgreSQL is reached through internal/servertest, at
// ZCBRIDGE_TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test);
// each run uses a schema of its own (zcb_crash_<random>), dropped at the end.
// Without a server the tests skip, and fail under CI=true.
//
// Known limits: the platform is the in-memory mock, so a crash of the
// platform itself is not covered; the kill always lands while a push's
// answer is held after the platform handled it (the hardest moment), never
// inside a store write; the engines' clocks are the real one, so the run
// crosses real time (about 15 to 30 seconds).
package crashtest
