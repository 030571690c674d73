package mock

import (
	"fmt"
	"strconv"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// recordKey names one record: §5 keeps records per AppKey.
type recordKey struct {
	app      string
	flow     regplatform.Flow
	sourceID string
}

// record is every revision the platform holds of one source_id.
type record struct {
	key       recordKey
	revisions []*revision // revisions[i] is revision i+1
}

func (rc *record) latest() *revision { return rc.revisions[len(rc.revisions)-1] }

// revision is one accepted push and how far the platform got with it.
type revision struct {
	app        string
	flow       regplatform.Flow
	sourceID   string
	number     int
	value      any
	receipt    regplatform.Receipt
	acceptedAt time.Time
	reads      int
	// outcome is what the platform will decide, fixed at acceptance.
	outcome Outcome

	status     regplatform.Status
	decidedAt  time.Time
	failReason string
	platformID string
	url        string
	deadline   time.Time

	publicityDays int
	plan          *regplatform.PlanFiling
	planNo        string
	planID        string
}

// store applies the rules of §5 to a valid push and returns the receipt to
// answer with. created tells whether the push made a new revision.
func (p *Platform) store(app string, flow regplatform.Flow, in pushed) (
	receipt regplatform.Receipt, created bool, e *apiError) {
	script := p.scriptFor(flow, in.sourceID)
	now := p.cfg.Clock()

	p.mu.Lock()
	defer p.mu.Unlock()

	key := recordKey{app: app, flow: flow, sourceID: in.sourceID}
	rc := p.records[key]
	switch {
	case rc == nil && in.revision != 1:
		return receipt, false, newError(regplatform.CodeStateConflict,
			"业务状态不允许该操作: 首次推送须为版本 1")
	case rc == nil:
		rc = &record{key: key}
		p.records[key] = rc
	default:
		last := rc.latest()
		switch {
		case in.revision == last.number:
			if !sameValue(last.value, in.value) {
				return receipt, false, newError(regplatform.CodeBodyMismatch,
					"重复推送且内容不一致")
			}
			p.progressLocked(last, now, false)
			receipt = last.receipt
			receipt.Status = last.status
			receipt.Duplicate = true
			return receipt, false, nil
		case in.revision != last.number+1:
			return receipt, false, newError(regplatform.CodeStateConflict, fmt.Sprintf(
				"业务状态不允许该操作: 最新版本为 %d", last.number))
		case last.status != regplatform.StatusFailed &&
			last.status != regplatform.StatusRejected:
			p.progressLocked(last, now, false)
			if last.status != regplatform.StatusFailed &&
				last.status != regplatform.StatusRejected {
				return receipt, false, newError(regplatform.CodeStateConflict, fmt.Sprintf(
					"业务状态不允许该操作: 版本 %d 状态为 %s", last.number, last.status))
			}
		}
	}

	rv := &revision{
		app: app, flow: flow, sourceID: in.sourceID, number: in.revision,
		value: in.value, acceptedAt: now,
		status: pendingStatus(flow), outcome: script.Outcomes[in.revision],
		publicityDays: in.publicityDays, plan: in.plan,
	}
	rv.receipt = regplatform.Receipt{
		ReceiptID:  p.receiptIDLocked(now),
		Status:     rv.status,
		AcceptedAt: regplatform.NewTime(now.Truncate(time.Second)),
	}
	rc.revisions = append(rc.revisions, rv)
	p.accepted[AcceptKey{Flow: flow, SourceID: in.sourceID, Revision: in.revision}]++
	return rv.receipt, true, nil
}

func pendingStatus(flow regplatform.Flow) regplatform.Status {
	if flow == regplatform.FlowPlan {
		return regplatform.StatusFiling
	}
	return regplatform.StatusPublishing
}

// receiptIDLocked returns "R" + the CST date of now + a six-digit sequence,
// such as R20261203000017.
func (p *Platform) receiptIDLocked(now time.Time) string {
	return fmt.Sprintf("R%s%06d", now.In(regplatform.CST).Format("20060102"),
		p.nextSeqLocked("receipt"))
}

// progressLocked decides rv when it is due: read tells whether this is a
// result read of it, which counts towards PublishAfterReads.
func (p *Platform) progressLocked(rv *revision, now time.Time, read bool) {
	if read {
		defer func() { rv.reads++ }()
	}
	if rv.status != regplatform.StatusPublishing && rv.status != regplatform.StatusFiling {
		return
	}
	if rv.outcome.Status == regplatform.StatusPublishing ||
		rv.outcome.Status == regplatform.StatusFiling {
		return
	}

	reads, delay := p.cfg.PublishAfterReads, p.cfg.PublishAfter
	due := false
	switch {
	case reads == 0 && delay == 0:
		due = read
	default:
		due = (reads > 0 && read && rv.reads >= reads) ||
			(delay > 0 && now.Sub(rv.acceptedAt) >= delay)
	}
	if due {
		p.decideLocked(rv, now)
	}
}

// decideLocked moves rv to its outcome: the scripted failure or rejection,
// else publication or filing.
func (p *Platform) decideLocked(rv *revision, now time.Time) {
	rv.decidedAt = now.Truncate(time.Second)
	switch rv.outcome.Status {
	case regplatform.StatusFailed, regplatform.StatusRejected:
		rv.status = rv.outcome.Status
		rv.failReason = rv.outcome.Reason
		if rv.failReason == "" {
			rv.failReason = "数据格式有误"
		}
		return
	}

	year := strconv.Itoa(now.In(regplatform.CST).Year())
	switch rv.flow {
	case regplatform.FlowPlan:
		n := p.nextSeqLocked("plan")
		rv.status = regplatform.StatusFiled
		rv.planNo = fmt.Sprintf("ZCBA-%s-%06d", year, n)
		rv.planID = fmt.Sprintf("ZCJH-%s-%06d", year, n)
		p.plans[rv.planID] = p.newPlanExecLocked(rv, now)
	case regplatform.FlowSingleSource:
		n := p.nextSeqLocked("notice")
		rv.status = regplatform.StatusPublished
		rv.platformID = fmt.Sprintf("ZCDY-330000-%s-%06d", year, n)
		rv.url = fmt.Sprintf("%s/notice/dy/%d", p.cfg.PublicURL, n)
		rv.deadline = publicityDeadline(rv.decidedAt, rv.publicityDays)
	default:
		n := p.nextSeqLocked("intention")
		rv.status = regplatform.StatusPublished
		rv.platformID = fmt.Sprintf("ZCYX-330000-%s-%06d", year, n)
		rv.url = fmt.Sprintf("%s/notice/yx/%d", p.cfg.PublicURL, n)
	}
}
