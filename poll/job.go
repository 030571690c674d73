package poll

import "context"

// Job is periodic work the engine runs on each tick after its push flows:
// sink deliveries, results tracking of executing plans, notice expiry. A Job
// keeps its own state; an error is logged and the job runs again next tick.
type Job interface {
	// Name identifies the job in logs and metrics, such as "sinks".
	Name() string
	// Tick does one pass of the job's work.
	Tick(ctx context.Context) error
}
