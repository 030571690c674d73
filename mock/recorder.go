package mock

import (
	"sort"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// RequestOutcome says what the platform made of a request.
type RequestOutcome string

// Request outcomes.
const (
	// OutcomeAccepted is a push that created a record.
	OutcomeAccepted RequestOutcome = "accepted"
	// OutcomeDuplicate is a push of a revision already held, same body.
	OutcomeDuplicate RequestOutcome = "duplicate"
	// OutcomeRead is a successful read.
	OutcomeRead RequestOutcome = "read"
	// OutcomeRefused is any error answer, injected ones included.
	OutcomeRefused RequestOutcome = "refused"
	// OutcomeDropped is a connection closed without an answer.
	OutcomeDropped RequestOutcome = "dropped"
)

// RecordedRequest is what the platform keeps of each request it received.
// It holds no secret: neither the signature nor any AppSecret.
type RecordedRequest struct {
	// At is the platform's clock when the request arrived.
	At     time.Time `json:"at"`
	Method string    `json:"method"`
	Path   string    `json:"path"`
	AppKey string    `json:"app_key"`
	// RequestID is the request_id of the answer.
	RequestID string `json:"request_id"`
	// Flow, SourceID and Revision are set for pushes with a readable body.
	Flow     regplatform.Flow `json:"flow,omitempty"`
	SourceID string           `json:"source_id,omitempty"`
	Revision int              `json:"revision,omitempty"`
	// Attempt is the platform's count of requests for the push's key.
	Attempt int            `json:"attempt,omitempty"`
	Outcome RequestOutcome `json:"outcome"`
	// Code and HTTPStatus are those of the answer; HTTPStatus is 0 for a
	// dropped connection and 502 for a gateway page.
	Code       string `json:"code,omitempty"`
	HTTPStatus int    `json:"http_status"`
	// Fault is the injected failure, if any; Delayed tells whether the
	// latency fault was applied too.
	Fault   Fault `json:"fault,omitempty"`
	Delayed bool  `json:"delayed,omitempty"`
}

// AcceptKey names one pushed revision.
type AcceptKey struct {
	Flow     regplatform.Flow `json:"flow"`
	SourceID string           `json:"source_id"`
	Revision int              `json:"revision"`
}

// AcceptedCount is one entry of AcceptedList.
type AcceptedCount struct {
	AcceptKey
	Count int `json:"count"`
}

// Requests returns every request received so far, in order of completion;
// an empty, non-nil slice before the first.
func (p *Platform) Requests() []RecordedRequest {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]RecordedRequest{}, p.requests...)
}

// Accepted returns how many pushes of (flow, sourceID, revision) created a
// record, over every AppKey; duplicates are not counted.
func (p *Platform) Accepted(flow regplatform.Flow, sourceID string, revision int) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.accepted[AcceptKey{Flow: flow, SourceID: sourceID, Revision: revision}]
}

// AcceptedCounts returns Accepted for every revision pushed so far.
func (p *Platform) AcceptedCounts() map[AcceptKey]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[AcceptKey]int, len(p.accepted))
	for k, n := range p.accepted {
		out[k] = n
	}
	return out
}

// AcceptedList returns AcceptedCounts sorted by flow, source_id and
// revision, as the admin API serves it.
func (p *Platform) AcceptedList() []AcceptedCount {
	counts := p.AcceptedCounts()
	out := make([]AcceptedCount, 0, len(counts))
	for k, n := range counts {
		out = append(out, AcceptedCount{AcceptKey: k, Count: n})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Flow != b.Flow {
			return a.Flow < b.Flow
		}
		if a.SourceID != b.SourceID {
			return a.SourceID < b.SourceID
		}
		return a.Revision < b.Revision
	})
	return out
}
