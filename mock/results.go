package mock

import (
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// results serves 2.5.2, 2.6.3 and 2.7.2: the latest revision of each
// source_id asked for, in the order asked, and the ids it does not hold for
// this AppKey under not_found. Each read counts towards the record's
// publication (Config.PublishAfterReads).
func (p *Platform) results(ex *exchange, appKey string, flow regplatform.Flow) {
	ex.rec.Flow = flow
	ids, e := readQuery(ex.r)
	if e != nil {
		ex.fail(e)
		return
	}

	if p.injectRead(ex, flow) {
		return
	}

	now := p.cfg.Clock()
	p.mu.Lock()
	var found []*revision
	notFound := []string{}
	for _, id := range ids {
		rc := p.records[recordKey{app: appKey, flow: flow, sourceID: id}]
		if rc == nil {
			notFound = append(notFound, id)
			continue
		}
		rv := rc.latest()
		p.progressLocked(rv, now, true)
		found = append(found, rv)
	}
	data := resultData(flow, found, notFound)
	p.mu.Unlock()

	ex.rec.Outcome = OutcomeRead
	ex.ok(data)
}

// readQuery checks the method and source_ids of a result read: 1 to 50
// identifiers, comma-joined, a repeated id read once.
func readQuery(r *http.Request) ([]string, *apiError) {
	if r.Method != http.MethodGet {
		return nil, newError(regplatform.CodeMalformedBody, "请求体格式错误: 须用 GET")
	}
	q := r.URL.Query()
	for k, v := range q {
		if len(v) > 1 {
			return nil, invalidParam(k, "参数重复")
		}
	}
	raw := q.Get("source_ids")
	if raw == "" {
		return nil, invalidParam("source_ids", "必填")
	}

	var ids []string
	seen := map[string]bool{}
	for _, id := range strings.Split(raw, ",") {
		if regplatform.CheckSourceID(id) != nil {
			return nil, invalidParam("source_ids", "标识须为 1–64 位字母、数字、_ 或 -")
		}
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) > regplatform.MaxResultIDs {
		return nil, invalidParam("source_ids", "一次最多 50 个")
	}
	return ids, nil
}

// invalidParam is a 1001 answer naming one query parameter.
func invalidParam(field, message string) *apiError {
	e := newError(regplatform.CodeInvalidParams, "参数校验失败")
	e.data = regplatform.ValidationDetails{Errors: []regplatform.WireFieldError{
		{Field: field, Message: message},
	}}
	return e
}

// injectRead applies the faults of a read when FaultConfig.Reads is set,
// keyed by path and sorted query, and reports whether the request ended.
func (p *Platform) injectRead(ex *exchange, flow regplatform.Flow) bool {
	if !p.cfg.Faults.Reads {
		return false
	}
	q := ex.r.URL.Query()
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k+"="+q.Get(k))
	}
	sort.Strings(keys)
	key := faultKey{Flow: flow, SourceID: ex.r.URL.Path + "?" + strings.Join(keys, "&")}

	fault := p.injectBefore(ex, key, false)
	if ex.done {
		return true
	}
	return p.injectAfter(ex, fault)
}

// resultData builds the data of a result read from the revisions found, in
// the order asked, and the ids not found.
func resultData(flow regplatform.Flow, found []*revision, notFound []string) any {
	switch flow {
	case regplatform.FlowIntention:
		out := regplatform.IntentionResults{Results: []regplatform.IntentionResult{},
			NotFound: notFound}
		for _, rv := range found {
			out.Results = append(out.Results, regplatform.IntentionResult{
				SourceID: rv.sourceID, Revision: rv.number, Status: rv.status,
				PublishedAt: published(rv), PublishURL: rv.url,
				PlatformID: rv.platformID, FailReason: rv.failReason,
			})
		}
		return out
	case regplatform.FlowSingleSource:
		out := regplatform.NoticeResults{Results: []regplatform.NoticeResult{},
			NotFound: notFound}
		for _, rv := range found {
			out.Results = append(out.Results, regplatform.NoticeResult{
				SourceID: rv.sourceID, Revision: rv.number, Status: rv.status,
				PublishedAt: published(rv), Deadline: timeOrZero(rv.deadline),
				NoticeURL: rv.url, PlatformID: rv.platformID, FailReason: rv.failReason,
			})
		}
		return out
	default:
		out := regplatform.PlanResults{Results: []regplatform.PlanResult{},
			NotFound: notFound}
		for _, rv := range found {
			res := regplatform.PlanResult{
				SourceID: rv.sourceID, Revision: rv.number, Status: rv.status,
				PlanNo: rv.planNo, PlanID: rv.planID, FailReason: rv.failReason,
			}
			if rv.status == regplatform.StatusFiled {
				res.FiledAt = regplatform.NewTime(rv.decidedAt)
			}
			out.Results = append(out.Results, res)
		}
		return out
	}
}

// published is published_at: set once PUBLISHED, "" otherwise.
func published(rv *revision) regplatform.Time {
	if rv.status != regplatform.StatusPublished {
		return regplatform.Time{}
	}
	return regplatform.NewTime(rv.decidedAt)
}

// timeOrZero wraps t, the zero time staying "" on the wire.
func timeOrZero(t time.Time) regplatform.Time {
	if t.IsZero() {
		return regplatform.Time{}
	}
	return regplatform.NewTime(t)
}
