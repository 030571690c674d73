package regplatform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestProjectDecodeGolden(t *testing.T) {
	t.Run("ETRADE with one package abandoned", func(t *testing.T) {
		fp := newFakePlatform(t, sequence(loadResponse(t, "project-etrade.http")))
		c, _ := newTestClient(t, fp.srv.URL)

		p, err := c.Results.Project(context.Background(), "ZCJH-2026-000311")

		require.NoError(t, err)
		assert.Equal(t, "/v1/plans/ZCJH-2026-000311/project", fp.requests()[0].Path)
		assert.Equal(t, BusinessETrade, p.BusinessType)
		assert.Equal(t, ProjectCompleted, p.Status)
		assert.True(t, p.Status.Done())
		assert.Equal(t, "2026-12-20 16:00:00", p.UpdatedAt.String())
		require.Len(t, p.Packages, 2)
		assert.Equal(t, PackageAwarded, p.Packages[0].Status)
		assert.Equal(t, PackageAbandoned, p.Packages[1].Status)
		assert.Equal(t, "有效供应商不足三家", p.Packages[1].StatusReason)
		item := p.Packages[1].Items[0]
		assert.Equal(t, 1, item.LineNo)
		assert.Equal(t, "66666.67", item.UnitPrice.String())
		assert.Equal(t, "12", item.Quantity.String())
		assert.True(t, LineAmount(item.UnitPrice, item.Quantity).Equal(item.Amount))
	})

	t.Run("MALL in progress", func(t *testing.T) {
		fp := newFakePlatform(t, sequence(loadResponse(t, "project-mall.http")))
		c, _ := newTestClient(t, fp.srv.URL)

		p, err := c.Results.Project(context.Background(), "ZCJH-2026-000402")

		require.NoError(t, err)
		assert.Equal(t, BusinessMall, p.BusinessType)
		assert.False(t, p.Status.Done())
		assert.True(t, p.Packages[0].ClosedAt.IsZero())
	})

	t.Run("unknown plan", func(t *testing.T) {
		fp := newFakePlatform(t, sequence(loadResponse(t, "error-3003.http")))
		c, _ := newTestClient(t, fp.srv.URL)

		_, err := c.Results.Project(context.Background(), "ZCJH-0")

		assert.ErrorIs(t, err, ErrNotFound)
	})
}

func TestListsDecodeGolden(t *testing.T) {
	fp := newFakePlatform(t, func(_ int, r recorded) canned {
		switch r.Path {
		case "/v1/plans/P1/announcements":
			return loadResponse(t, "announcements.http")
		case "/v1/plans/P1/bids":
			return loadResponse(t, "bids.http")
		default:
			return loadResponse(t, "awards-mall.http")
		}
	})
	c, _ := newTestClient(t, fp.srv.URL)
	ctx := context.Background()

	ann, err := c.Results.Announcements(ctx, "P1", ListOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, ann.Total)
	assert.Equal(t, AnnouncementCorrection, ann.List[1].Type)
	assert.Equal(t, []string{"1", "2"}, ann.List[0].PackageNos)

	bids, err := c.Results.Bids(ctx, "P1", BidListOptions{PackageNo: "1"})
	require.NoError(t, err)
	require.Len(t, bids.List, 2)
	assert.Equal(t, "248000.00", bids.List[0].BidAmount.String())
	assert.False(t, bids.List[1].Valid)

	awards, err := c.Results.Awards(ctx, "P1", ListOptions{PageNo: 1, PageSize: 20})
	require.NoError(t, err)
	assert.Equal(t, "DD20261222000137", awards.List[0].OrderNo)

	reqs := fp.requests()
	require.Len(t, reqs, 3)
	assert.Empty(t, reqs[0].Query, "zero options take the platform's defaults")
	assert.Equal(t, "1", reqs[1].Query.Get("package_no"))
	assert.Equal(t, "20", reqs[2].Query.Get("page_size"))
}

// pagedPlatform serves n awards, paging as 2.8.4 does with its defaults.
func pagedPlatform(t *testing.T, n int) *fakePlatform {
	t.Helper()
	return newFakePlatform(t, func(_ int, r recorded) canned {
		no, size := 1, 20
		if v := r.Query.Get("page_no"); v != "" {
			no, _ = strconv.Atoi(v)
		}
		if v := r.Query.Get("page_size"); v != "" {
			size, _ = strconv.Atoi(v)
		}
		if size < 1 || size > MaxPageSize || no < 1 {
			return loadResponse(t, "error-1001.http")
		}
		page := Page[Award]{Total: n, PageNo: no, PageSize: size, List: []Award{}}
		for i := (no - 1) * size; i < n && i < no*size; i++ {
			page.List = append(page.List, Award{AwardID: fmt.Sprintf("CJ-%03d", i)})
		}
		return okData(t, page)
	})
}

func TestAllAwardsPagesThroughEverything(t *testing.T) {
	tests := []struct {
		entries int
		calls   int
	}{
		{0, 1},
		{1, 1},
		{99, 1},
		{100, 1},
		{101, 2},
		{250, 3},
	}
	for _, tt := range tests {
		t.Run(strconv.Itoa(tt.entries), func(t *testing.T) {
			fp := pagedPlatform(t, tt.entries)
			c, _ := newTestClient(t, fp.srv.URL)

			var ids []string
			for a, err := range c.Results.AllAwards(context.Background(), "P1") {
				require.NoError(t, err)
				ids = append(ids, a.AwardID)
			}

			require.Len(t, ids, tt.entries)
			for i, id := range ids {
				assert.Equal(t, fmt.Sprintf("CJ-%03d", i), id)
			}
			assert.Len(t, fp.requests(), tt.calls)
			for i, r := range fp.requests() {
				assert.Equal(t, strconv.Itoa(i+1), r.Query.Get("page_no"))
				assert.Equal(t, "100", r.Query.Get("page_size"))
			}
		})
	}
}

func TestIteratorStopsAtEmptyPage(t *testing.T) {
	// The total says 500, but the list ends after the first page.
	fp := newFakePlatform(t, func(n int, _ recorded) canned {
		page := Page[Announcement]{Total: 500, List: []Announcement{}}
		if n == 0 {
			page.List = append(page.List, Announcement{AnnouncementID: "GG-1"})
		}
		return okData(t, page)
	})
	c, _ := newTestClient(t, fp.srv.URL)

	var got []string
	for a, err := range c.Results.AllAnnouncements(context.Background(), "P1") {
		require.NoError(t, err)
		got = append(got, a.AnnouncementID)
	}

	assert.Equal(t, []string{"GG-1"}, got)
	assert.Len(t, fp.requests(), 2)
}

func TestIteratorYieldsErrorOnceAndStops(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "error-3003.http")))
	c, _ := newTestClient(t, fp.srv.URL)

	var errs []error
	for b, err := range c.Results.AllBids(context.Background(), "P1", "2") {
		assert.Empty(t, b.BidID)
		errs = append(errs, err)
	}

	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], ErrNotFound)
	require.Len(t, fp.requests(), 1)
	assert.Equal(t, "2", fp.requests()[0].Query.Get("package_no"))
}

func TestIteratorBreakStopsReading(t *testing.T) {
	fp := pagedPlatform(t, 250)
	c, _ := newTestClient(t, fp.srv.URL)

	n := 0
	for _, err := range c.Results.AllAwards(context.Background(), "P1") {
		require.NoError(t, err)
		n++
		if n == 150 {
			break
		}
	}

	assert.Len(t, fp.requests(), 2)
}

func TestListOptionsAreCheckedLocally(t *testing.T) {
	tests := []struct {
		opts  ListOptions
		field string
	}{
		{ListOptions{PageSize: 0}, ""},
		{ListOptions{PageSize: 1}, ""},
		{ListOptions{PageSize: 100}, ""},
		{ListOptions{PageSize: 101}, "page_size"},
		{ListOptions{PageSize: -1}, "page_size"},
		{ListOptions{PageNo: -1}, "page_no"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%+v", tt.opts), func(t *testing.T) {
			fp := pagedPlatform(t, 3)
			c, _ := newTestClient(t, fp.srv.URL)

			_, err := c.Results.Awards(context.Background(), "P1", tt.opts)

			if tt.field == "" {
				require.NoError(t, err)
				assert.Len(t, fp.requests(), 1)
				return
			}
			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.field, ve.Fields[0].Field)
			assert.Empty(t, fp.requests())
		})
	}
}

func TestPlanIDIsCheckedAndEscaped(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "project-mall.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	ctx := context.Background()

	for _, bad := range []string{"", " P1", "P1\t"} {
		_, err := c.Results.Project(ctx, bad)
		assert.ErrorIs(t, err, ErrValidation, "%q", bad)
	}
	assert.Empty(t, fp.requests())

	_, err := c.Results.Project(ctx, "ZCJH/2026 01")
	require.NoError(t, err)
	got := fp.requests()[0]
	assert.Equal(t, "/v1/plans/ZCJH%2F2026%2001/project", got.RawPath)
	assert.Equal(t, got.Header.Get(HeaderSignature), expectedSignature(t, got),
		"the escaped path is the one signed")
	assert.Equal(t, http.MethodGet, got.Method)
	assert.Empty(t, got.Header.Get("Content-Type"))
	assert.Empty(t, got.Header.Get(HeaderContentMD5))
	assert.False(t, errors.Is(err, ErrValidation))
}
