package bench

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// expectedTickWork is the work one polling tick does over n accepted
// records still in progress: a walk of the Source in pages of
// poll.DefaultPageSize (one more, empty, page when n is a multiple of it),
// one store Get per record, and the result reads of every record in calls
// of regplatform.MaxResultIDs. It claims nothing.
func expectedTickWork(n int) tickWork {
	page, ids := poll.DefaultPageSize, regplatform.MaxResultIDs
	return tickWork{
		gets:  float64(n),
		pages: float64(n/page + 1),
		reads: float64((n + ids - 1) / ids),
	}
}

// TestTickWorkGrowsLinearlyWithPendingRecords counts, through the real
// client and the mock, what BenchmarkTick's ticks do, so that the formula
// docs/performance.md states is checked on every test run.
func TestTickWorkGrowsLinearlyWithPendingRecords(t *testing.T) {
	for _, n := range []int{1, 50, 100, 120, 250} {
		t.Run(fmt.Sprintf("pending=%d", n), func(t *testing.T) {
			r := newPublishingRig(t, memoryStore, n)
			defer r.close()
			ctx := context.Background()

			const ticks = 3
			for range ticks {
				require.NoError(t, r.engine.Tick(ctx))
			}
			assert.Equal(t, expectedTickWork(n), r.work(ticks), "reads due")

			waiting := newWaitingEngine(t, r)
			r.resetCounters()
			for range ticks {
				require.NoError(t, waiting.Tick(ctx))
			}
			want := expectedTickWork(n)
			want.reads = 0
			assert.Equal(t, want, r.work(ticks), "no read due")
			assert.Equal(t, n, r.src.pendingCount(), "the platform decided nothing")
		})
	}
}

// TestEndToEndRunDrainsEveryRecord runs BenchmarkEndToEnd's run on each
// store it uses, small: two ticks, each record accepted once and applied
// as published.
func TestEndToEndRunDrainsEveryRecord(t *testing.T) {
	for _, sk := range endToEndStores {
		t.Run(sk.name, func(t *testing.T) {
			r := newRig(t, rigConfig{records: 120, store: sk})
			defer r.close()

			took, err := r.drain(context.Background(), maxDrainTicks)
			require.NoError(t, err)
			assert.Len(t, took, 2, "one tick pushes, the next reads and applies")
			assert.NoError(t, r.src.check())
			assert.Empty(t, r.acceptedOnce())
			assert.EqualValues(t, 120, r.transport.pushes.Load())
			assert.EqualValues(t, 3, r.transport.gets.Load())
		})
	}
}

func TestHeapPeakSeesAnAllocationHeldDuringSampling(t *testing.T) {
	h := startHeapPeak(heapSampleInterval)
	held := make([]byte, 64<<20)
	held[len(held)-1] = 1
	peak := h.Stop()
	assert.GreaterOrEqual(t, peak, uint64(len(held)))
	assert.Equal(t, byte(1), held[len(held)-1])
}
