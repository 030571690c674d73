package bench

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// heapSampleInterval is how often a run samples the heap for its peak.
const heapSampleInterval = 2 * time.Millisecond

// maxDrainTicks bounds the ticks of one end-to-end run: with results
// published on the first read, two ticks do it (one pushes, one reads).
const maxDrainTicks = 10

// endToEndStores are the stores of BenchmarkEndToEnd; memory shows the
// cost of the engine, the client and the mock without a database.
var endToEndStores = []storeKind{memoryStore, sqliteStore, postgresStore}

// BenchmarkEndToEnd pushes every one of n pending intentions once through
// the engine to the mock platform and ticks until every outcome is applied
// to the host. One op is one whole run over n records; setup (a fresh
// store, mock and host table) is not timed.
func BenchmarkEndToEnd(b *testing.B) {
	for _, sk := range endToEndStores {
		for _, n := range []int{1000, 10000} {
			b.Run(fmt.Sprintf("%s/records=%d", sk.name, n), func(b *testing.B) {
				benchEndToEnd(b, sk, n)
			})
		}
	}
}

func benchEndToEnd(b *testing.B, sk storeKind, n int) {
	ctx := context.Background()
	var mallocs, allocBytes, peak, growth, retained uint64
	var ticks int
	var pushTick, restTicks, inStore, inHTTP time.Duration

	b.ReportAllocs()
	b.StopTimer()
	for range b.N {
		r := newRig(b, rigConfig{records: n, store: sk})
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		hp := startHeapPeak(heapSampleInterval)

		b.StartTimer()
		took, err := r.drain(ctx, maxDrainTicks)
		b.StopTimer()

		p := hp.Stop()
		runtime.ReadMemStats(&after)
		mallocs += after.Mallocs - before.Mallocs
		allocBytes += after.TotalAlloc - before.TotalAlloc
		peak = max(peak, p)
		if p > before.HeapInuse {
			growth = max(growth, p-before.HeapInuse)
		}
		// What the run left live: the mock's records, the store's entries
		// when it is in memory, the engine's state.
		runtime.GC()
		var kept runtime.MemStats
		runtime.ReadMemStats(&kept)
		if kept.HeapAlloc > before.HeapAlloc {
			retained = max(retained, kept.HeapAlloc-before.HeapAlloc)
		}
		ticks += len(took)
		inStore += time.Duration(r.store.nanos.Load())
		inHTTP += time.Duration(r.transport.nanos.Load())
		pushTick += took[0]
		for _, d := range took[1:] {
			restTicks += d
		}

		if err == nil {
			err = r.src.check()
		}
		if bad := r.acceptedOnce(); err == nil && len(bad) > 0 {
			err = fmt.Errorf("bench: %d records not accepted exactly once, first %s",
				len(bad), bad[0])
		}
		r.close()
		if err != nil {
			b.Fatal(err)
		}
	}

	records := float64(n) * float64(b.N)
	b.ReportMetric(records/b.Elapsed().Seconds(), "records/s")
	b.ReportMetric(float64(mallocs)/records, "allocs/record")
	b.ReportMetric(float64(allocBytes)/records, "B/record")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(growth)/(1<<20), "heap-growth-MiB")
	b.ReportMetric(float64(retained)/(1<<20), "retained-MiB")
	b.ReportMetric(float64(ticks)/float64(b.N), "ticks/run")
	// The first tick pushes every record; the later ones read and apply.
	b.ReportMetric(float64(pushTick.Microseconds())/records, "push-µs/record")
	b.ReportMetric(float64(restTicks.Microseconds())/records, "settle-µs/record")
	// Wall time inside store calls and HTTP round trips (the mock included).
	b.ReportMetric(float64(inStore.Microseconds())/records, "store-µs/record")
	b.ReportMetric(float64(inHTTP.Microseconds())/records, "http-µs/record")
}

// tickStores are the stores of BenchmarkTick.
var tickStores = []storeKind{memoryStore, sqliteStore, postgresStore}

// BenchmarkTick measures one tick over n records the platform accepted and
// keeps answering PUBLISHING: the steady cost of waiting records. One op is
// one tick; ns/record divides it by n. In "due" every record's result is
// read on every tick (the backoff always due, the worst case); in
// "waiting" no read is due (a backoff of an hour), which leaves the walk of
// the Source and the store lookups.
func BenchmarkTick(b *testing.B) {
	for _, sk := range tickStores {
		for _, n := range []int{100, 1000, 10000} {
			b.Run(fmt.Sprintf("%s/pending=%d", sk.name, n), func(b *testing.B) {
				r := newPublishingRig(b, sk, n)
				defer r.close()
				b.Run("due", func(b *testing.B) { benchTick(b, r, r.engine, n) })

				waiting := newWaitingEngine(b, r)
				b.Run("waiting", func(b *testing.B) { benchTick(b, r, waiting, n) })
			})
		}
	}
}

func benchTick(b *testing.B, r *rig, e *poll.Engine, n int) {
	ctx := context.Background()
	r.resetCounters()

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	ticks := 0
	b.ReportAllocs()
	for b.Loop() {
		if err := e.Tick(ctx); err != nil {
			b.Fatal(err)
		}
		ticks++
	}
	runtime.ReadMemStats(&after)

	w := r.work(ticks)
	if w.pushes != 0 || r.src.pendingCount() != n {
		b.Fatalf("bench: %d pushes and %d of %d records pending, want 0 and all",
			w.pushes, r.src.pendingCount(), n)
	}
	per := float64(ticks) * float64(n)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/per, "ns/record")
	b.ReportMetric(float64(after.Mallocs-before.Mallocs)/per, "allocs/record")
	b.ReportMetric(w.gets, "gets/tick")
	b.ReportMetric(w.pages, "pages/tick")
	b.ReportMetric(w.reads, "reads/tick")
}

// newWaitingEngine returns a second engine over r whose result reads are
// an hour apart, after the one tick that reads every record once and
// starts the backoff: its later ticks read no result.
func newWaitingEngine(tb testing.TB, r *rig) *poll.Engine {
	tb.Helper()
	e := r.newEngine(tb, time.Hour)
	if err := e.Tick(context.Background()); err != nil {
		r.close()
		tb.Fatalf("bench: first tick of the waiting engine: %v", err)
	}
	return e
}

// newPublishingRig returns a rig whose n records are accepted and read
// once, the platform answering PUBLISHING to every read, with its counters
// reset: from here on every tick of its engine is a pure polling tick.
func newPublishingRig(tb testing.TB, sk storeKind, n int) *rig {
	tb.Helper()
	r := newRig(tb, rigConfig{records: n, store: sk, publishAfterReads: math.MaxInt32})
	ctx := context.Background()
	for range 2 {
		if err := r.engine.Tick(ctx); err != nil {
			r.close()
			tb.Fatalf("bench: setup tick: %v", err)
		}
	}
	if got := r.transport.pushes.Load(); got != int64(n) {
		r.close()
		tb.Fatalf("bench: setup pushed %d records, want %d", got, n)
	}
	r.resetCounters()
	return r
}

// resetCounters zeroes every count and timing of the rig.
func (r *rig) resetCounters() {
	r.transport.pushes.Store(0)
	r.transport.gets.Store(0)
	r.transport.nanos.Store(0)
	r.store.gets.Store(0)
	r.store.claims.Store(0)
	r.store.nanos.Store(0)
	r.src.pendingCalls.Store(0)
}

// tickWork is the average work of one tick since the counters were reset.
type tickWork struct {
	gets, claims, pages, reads float64
	pushes                     int64
}

func (r *rig) work(ticks int) tickWork {
	t := float64(max(ticks, 1))
	return tickWork{
		gets:   float64(r.store.gets.Load()) / t,
		claims: float64(r.store.claims.Load()) / t,
		pages:  float64(r.src.pendingCalls.Load()) / t,
		reads:  float64(r.transport.gets.Load()) / t,
		pushes: r.transport.pushes.Load(),
	}
}
