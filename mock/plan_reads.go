package mock

import (
	"net/http"
	"strconv"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Paging limits of 2.8.2.
const (
	defaultPageSize = 20
	maxPageSize     = 100
)

// planRead serves 2.8.1–2.8.4 for planID: 3003 for a plan the platform does
// not know, 2005 for another AppKey's plan. A project read may move the
// execution a step (Config.StepAfterReads); every read applies the steps
// that are due by the clock (Config.StepAfter).
func (p *Platform) planRead(ex *exchange, appKey, planID, what string) {
	ex.rec.Flow = regplatform.FlowPlan
	if ex.r.Method != http.MethodGet {
		ex.fail(newError(regplatform.CodeMalformedBody, "请求体格式错误: 须用 GET"))
		return
	}
	q := ex.r.URL.Query()
	for k, v := range q {
		if len(v) > 1 {
			ex.fail(invalidParam(k, "参数重复"))
			return
		}
	}
	var pg paging
	if what != "project" {
		var e *apiError
		if pg, e = readPaging(q.Get("page_no"), q.Get("page_size")); e != nil {
			ex.fail(e)
			return
		}
	}

	if p.injectRead(ex, regplatform.FlowPlan) {
		return
	}

	now := p.cfg.Clock()
	p.mu.Lock()
	plan := p.plans[planID]
	if plan == nil {
		p.mu.Unlock()
		ex.fail(newError(regplatform.CodeNotFound, "记录不存在"))
		return
	}
	if plan.app != appKey {
		p.mu.Unlock()
		ex.fail(newError(regplatform.CodeForbidden, "无权访问该数据"))
		return
	}
	p.advanceLocked(plan, now, what == "project")

	var data any
	switch what {
	case "project":
		data = plan.projectCopy()
	case "announcements":
		data = pageOf(plan.announcements, pg)
	case "bids":
		no := q.Get("package_no")
		var bids []regplatform.Bid
		for _, b := range plan.bids {
			if no == "" || b.PackageNo == no {
				bids = append(bids, b)
			}
		}
		data = pageOf(bids, pg)
	case "awards":
		data = pageOf(plan.awards, pg)
	}
	p.mu.Unlock()

	ex.rec.Outcome = OutcomeRead
	ex.ok(data)
}

// projectCopy returns the project, packages in the order filed, with its
// own package slice so that it can be marshalled outside the lock.
func (ex *planExec) projectCopy() regplatform.Project {
	out := ex.project
	out.Packages = append([]regplatform.ProjectPackage(nil), ex.project.Packages...)
	return out
}

type paging struct{ no, size int }

// readPaging reads page_no (≥ 1, default 1) and page_size (1–100, default
// 20); anything else is refused with 1001.
func readPaging(no, size string) (paging, *apiError) {
	pg := paging{no: 1, size: defaultPageSize}
	if no != "" {
		n, err := strconv.Atoi(no)
		if err != nil || n < 1 {
			return pg, invalidParam("page_no", "须为不小于 1 的整数")
		}
		pg.no = n
	}
	if size != "" {
		n, err := strconv.Atoi(size)
		if err != nil || n < 1 || n > maxPageSize {
			return pg, invalidParam("page_size", "须为 1 到 100 的整数")
		}
		pg.size = n
	}
	return pg, nil
}

// pageOf cuts one page out of list; a page past the end is empty and still
// carries the true total.
func pageOf[T any](list []T, pg paging) regplatform.Page[T] {
	out := regplatform.Page[T]{Total: len(list), PageNo: pg.no, PageSize: pg.size, List: []T{}}
	start := len(list)
	if pg.no-1 < len(list)/pg.size+1 {
		start = min((pg.no-1)*pg.size, len(list))
	}
	end := min(start+pg.size, len(list))
	out.List = append(out.List, list[start:end]...)
	return out
}
