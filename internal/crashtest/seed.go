package crashtest

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// Seeded is one generated record: its push at revision 1, as JSON, and
// whether the platform is scripted to refuse that first revision.
type Seeded struct {
	Flow      regplatform.Flow
	SourceID  string
	Request   []byte
	FailFirst bool
}

// Mix says how many records of each flow Generate makes, and that every
// FailEvery-th record of a flow (the first included) is refused at its
// first revision; 0 refuses none.
type Mix struct {
	Intentions, Notices, Plans int
	FailEvery                  int
}

// DefaultMix is the crash test's population: 650 records, one in ten
// refused first.
var DefaultMix = Mix{Intentions: 250, Notices: 200, Plans: 200, FailEvery: 10}

// Total returns the number of records m makes.
func (m Mix) Total() int { return m.Intentions + m.Notices + m.Plans }

// Generate builds m's records from the sample requests in internal/fixtures,
// each with its own source_id (CTYX, CTDY and CTJH followed by six digits)
// and title, each valid per the contract. Only notices that the reporting
// rule sends to the platform are used, so that the clerk's approval of a
// refused notice brings it back to the platform.
func Generate(ctx context.Context, m Mix) ([]Seeded, error) {
	notices, err := reportableNotices(ctx)
	if err != nil {
		return nil, err
	}
	intentions, plans := fixtures.Intentions(), fixtures.Plans()

	out := make([]Seeded, 0, m.Total())
	add := func(flow regplatform.Flow, i int, req interface{ Validate() error }) error {
		body, err := regplatform.Encode(req)
		if err != nil {
			return fmt.Errorf("crashtest: generate %s %d: %w", flow, i, err)
		}
		var id struct {
			SourceID string `json:"source_id"`
		}
		if err := json.Unmarshal(body, &id); err != nil {
			return fmt.Errorf("crashtest: generate %s %d: %w", flow, i, err)
		}
		out = append(out, Seeded{Flow: flow, SourceID: id.SourceID, Request: body,
			FailFirst: m.FailEvery > 0 && i%m.FailEvery == 0})
		return nil
	}

	for i := range m.Intentions {
		r := intentions[i%len(intentions)]
		r.SourceID = fmt.Sprintf("CTYX%06d", i)
		r.Revision = 1
		r.Title = fmt.Sprintf("%s-批%d", r.Title, i)
		if err := add(regplatform.FlowIntention, i, &r); err != nil {
			return nil, err
		}
	}
	for i := range m.Notices {
		n := notices[i%len(notices)]
		n.SourceID = fmt.Sprintf("CTDY%06d", i)
		n.Revision = 1
		n.NoticeTitle = fmt.Sprintf("%s-批%d", n.NoticeTitle, i)
		if err := add(regplatform.FlowSingleSource, i, &n); err != nil {
			return nil, err
		}
	}
	for i := range m.Plans {
		p := plans[i%len(plans)]
		p.SourceID = fmt.Sprintf("CTJH%06d", i)
		p.Revision = 1
		p.ProjectName = fmt.Sprintf("%s-批%d", p.ProjectName, i)
		if err := add(regplatform.FlowPlan, i, &p); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// reportableNotices returns the sample notices whose approval the flow's
// state machine sends to 采购监管平台单一来源公示.
func reportableNotices(ctx context.Context) ([]regplatform.SingleSourceNotice, error) {
	f := flows()[regplatform.FlowSingleSource]
	var out []regplatform.SingleSourceNotice
	for _, n := range fixtures.Notices() {
		body, err := json.Marshal(n)
		if err != nil {
			return nil, fmt.Errorf("crashtest: encode notice %s: %w", n.SourceID, err)
		}
		to, _, err := f.republish(ctx, string(sm.SingleSourceDraft), body)
		if err == nil && to == f.waiting() {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("crashtest: no sample notice is reportable under %s", Thresholds)
	}
	return out, nil
}

// Script tells p to refuse the first revision of every record marked
// FailFirst (FAILED for intentions and notices, REJECTED for plans), with a
// reason, and to decide every other revision as it does by default.
func Script(p *mock.Platform, recs []Seeded) {
	for _, r := range recs {
		if !r.FailFirst {
			continue
		}
		o := mock.Outcome{Status: regplatform.StatusFailed, Reason: "公示内容不完整"}
		if r.Flow == regplatform.FlowPlan {
			o = mock.Outcome{Status: regplatform.StatusRejected, Reason: "采购方式与品目不符"}
		}
		p.Script(r.Flow, r.SourceID, mock.Script{Outcomes: map[int]mock.Outcome{1: o}})
	}
}
