package poll

import "time"

// Metric names the engine reports. Counters go through Metrics.Add, timings
// through Metrics.Observe; every one carries the attribute "flow" (or "job"
// for jobs, "sink" for sink deliveries) and the attributes listed with it.
const (
	// MetricPushes counts sends of a push body; attribute "result" is one of
	// "accepted", "not_sent", "in_doubt".
	MetricPushes = "poll.pushes"
	// MetricPushDuration times each send.
	MetricPushDuration = "poll.push_duration"
	// MetricInvalid counts requests refused by validation and never sent.
	MetricInvalid = "poll.invalid_requests"
	// MetricResultReads counts batched result reads; attribute "result" is
	// "ok" or "error".
	MetricResultReads = "poll.result_reads"
	// MetricResultReadDuration times each batched result read.
	MetricResultReadDuration = "poll.result_read_duration"
	// MetricReconciled counts in-doubt pushes settled; attribute "result" is
	// "held" (the platform had it) or "resent".
	MetricReconciled = "poll.reconciled"
	// MetricOutcomes counts outcomes handed to the Source; attribute "kind"
	// is the OutcomeKind, "result" is "applied" or "error".
	MetricOutcomes = "poll.outcomes"
	// MetricNeedsPerson counts disagreements the engine will not resolve.
	MetricNeedsPerson = "poll.needs_person"
	// MetricRateLimitPauses counts pauses of every platform call; attribute
	// "reason" is "rate_limited" (4290) or "maintenance" (5030).
	MetricRateLimitPauses = "poll.rate_limit_pauses"
	// MetricTickDuration times one pass over a flow or one job.
	MetricTickDuration = "poll.tick_duration"
	// MetricSinkDeliveries counts tries of sink deliveries; it carries
	// "sink" instead of "flow", and "result" is "delivered" or "failed"
	// (including a sink no longer configured).
	MetricSinkDeliveries = "poll.sink_deliveries"
	// MetricSinkDeliveryDuration times each Sink.Deliver call, with "sink".
	MetricSinkDeliveryDuration = "poll.sink_delivery_duration"
)

// Attr is one attribute of a metric sample.
type Attr struct {
	Key   string
	Value string
}

// Metrics receives the engine's counters and timings. Implementations must
// be safe for concurrent use and should not block; an OpenTelemetry or
// Prometheus adapter maps names and attributes onto its own instruments.
type Metrics interface {
	// Add adds delta to the counter name.
	Add(name string, delta int64, attrs ...Attr)
	// Observe records one duration of the timing name.
	Observe(name string, d time.Duration, attrs ...Attr)
}

// NopMetrics returns Metrics that discard everything; it is the default.
func NopMetrics() Metrics { return nopMetrics{} }

type nopMetrics struct{}

func (nopMetrics) Add(string, int64, ...Attr) {}

func (nopMetrics) Observe(string, time.Duration, ...Attr) {}
