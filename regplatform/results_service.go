package regplatform

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"reflect"
	"strings"

	"github.com/google/go-querystring/query"
)

// MaxPageSize is the largest page_size of the 2.8.2–2.8.4 lists; the
// iterators read pages of this size.
const MaxPageSize = 100

// ResultsService reads the execution of a filed plan by its platform plan_id
// (2.8.1–2.8.4): project information, announcements, bids and awards. A
// reader is done with a plan when Project reports COMPLETED or TERMINATED.
type ResultsService struct{ c *Client }

// Project reads 2.8.1 项目信息: the project's status, business type and
// packages with their requirement lines. An unknown plan_id fails with an
// *APIError matching ErrNotFound.
func (s *ResultsService) Project(ctx context.Context, planID string) (*Project, error) {
	path, err := planPath(planID, "project")
	if err != nil {
		return nil, err
	}

	var p Project
	if err := s.c.call(ctx, &request{method: http.MethodGet, path: path}, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// Announcements reads one page of 2.8.2 公告信息. Zero options take the
// platform's defaults (page 1 of 20); a page_size outside 1–100 or a
// negative page_no is refused with a *ValidationError before any request.
// A page past the end has an empty List and the true Total.
func (s *ResultsService) Announcements(ctx context.Context, planID string,
	opts ListOptions) (*Page[Announcement], error) {
	return listPage[Announcement](ctx, s.c, planID, "announcements", opts, opts)
}

// Bids reads one page of 2.8.3 投标信息, of one package when
// opts.PackageNo is set. The mall (MALL) has no bids. Options are checked as
// in Announcements.
func (s *ResultsService) Bids(ctx context.Context, planID string,
	opts BidListOptions) (*Page[Bid], error) {
	return listPage[Bid](ctx, s.c, planID, "bids", opts.ListOptions, opts)
}

// Awards reads one page of 2.8.4 成交信息; only AWARDED packages have awards.
// Options are checked as in Announcements.
func (s *ResultsService) Awards(ctx context.Context, planID string,
	opts ListOptions) (*Page[Award], error) {
	return listPage[Award](ctx, s.c, planID, "awards", opts, opts)
}

// AllAnnouncements yields every announcement of the plan, reading pages of
// MaxPageSize until Total entries are read or a page comes back empty. An
// error is yielded once, with the zero Announcement, and ends the sequence.
func (s *ResultsService) AllAnnouncements(ctx context.Context,
	planID string) iter.Seq2[Announcement, error] {
	return all(func(o ListOptions) (*Page[Announcement], error) {
		return s.Announcements(ctx, planID, o)
	})
}

// AllBids yields every bid of the plan, or of one package when packageNo is
// not "", paging as AllAnnouncements does.
func (s *ResultsService) AllBids(ctx context.Context, planID,
	packageNo string) iter.Seq2[Bid, error] {
	return all(func(o ListOptions) (*Page[Bid], error) {
		return s.Bids(ctx, planID, BidListOptions{PackageNo: packageNo, ListOptions: o})
	})
}

// AllAwards yields every award of the plan, paging as AllAnnouncements does.
func (s *ResultsService) AllAwards(ctx context.Context, planID string) iter.Seq2[Award, error] {
	return all(func(o ListOptions) (*Page[Award], error) {
		return s.Awards(ctx, planID, o)
	})
}

// all pages through a list with read until every entry is yielded.
func all[T any](read func(ListOptions) (*Page[T], error)) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		seen := 0
		for pageNo := 1; ; pageNo++ {
			page, err := read(ListOptions{PageNo: pageNo, PageSize: MaxPageSize})
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, v := range page.List {
				if !yield(v, nil) {
					return
				}
			}
			seen += len(page.List)
			if len(page.List) == 0 || seen >= page.Total {
				return
			}
		}
	}
}

// listPage reads one page of the list named by what; opts are the paging
// options checked locally, q the whole query.
func listPage[T any](ctx context.Context, c *Client, planID, what string,
	opts ListOptions, q any) (*Page[T], error) {
	path, err := planPath(planID, what)
	if err != nil {
		return nil, err
	}
	if err := opts.check(); err != nil {
		return nil, err
	}
	vals, err := query.Values(q)
	if err != nil {
		return nil, &ValidationError{Kind: "list_options", Fields: []FieldError{
			{Message: "cannot encode query: " + err.Error()},
		}}
	}

	var page Page[T]
	if err := c.call(ctx, &request{method: http.MethodGet, path: path, query: vals},
		&page); err != nil {
		return nil, err
	}
	return &page, nil
}

// check refuses paging the platform would refuse with 1001.
func (o ListOptions) check() error {
	t := reflect.TypeFor[ListOptions]()
	var bad []FieldError
	if o.PageNo < 0 {
		bad = append(bad, FieldError{
			Field: "page_no", Label: queryLabel(t, "page_no"), Message: "须不小于1",
		})
	}
	if o.PageSize < 0 || o.PageSize > MaxPageSize {
		bad = append(bad, FieldError{
			Field: "page_size", Label: queryLabel(t, "page_size"), Message: "须为1–100",
		})
	}
	if bad != nil {
		return &ValidationError{Kind: "list_options", Fields: bad}
	}
	return nil
}

// planPath returns "/v1/plans/{plan_id}/<what>" with the id path-escaped, as
// it is sent and signed.
func planPath(planID, what string) (string, error) {
	if planID == "" || strings.TrimSpace(planID) != planID {
		return "", &ValidationError{Kind: "plan_id", Fields: []FieldError{{
			Field:   "plan_id",
			Label:   fieldLabel(reflect.TypeFor[PlanResult](), "plan_id"),
			Message: "必填, 首尾不得有空白字符",
		}}}
	}
	return "/v1/plans/" + url.PathEscape(planID) + "/" + what, nil
}
