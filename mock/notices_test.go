package mock

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

func TestPublicityDeadline(t *testing.T) {
	at := func(s string) time.Time {
		v, err := regplatform.ParseTime(s)
		require.NoError(t, err)
		return v.Time
	}
	tests := []struct {
		name      string
		published string
		days      int
		want      string
	}{
		{"Thursday, across one weekend", "2026-12-03 10:00:00", 5, "2026-12-10 23:59:59"},
		{"Friday evening", "2026-12-04 23:30:00", 5, "2026-12-11 23:59:59"},
		{"Saturday: Monday is the first day", "2026-12-05 09:00:00", 5, "2026-12-11 23:59:59"},
		{"Sunday", "2026-12-06 09:00:00", 1, "2026-12-07 23:59:59"},
		{"Monday, one day", "2026-12-07 00:00:00", 1, "2026-12-08 23:59:59"},
		{"Wednesday, across two weekends", "2026-12-02 10:00:00", 10, "2026-12-16 23:59:59"},
		{"thirty days", "2026-12-03 10:00:00", 30, "2027-01-14 23:59:59"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := publicityDeadline(at(tt.published), tt.days)
			assert.Equal(t, tt.want, regplatform.NewTime(got).String())
		})
	}
}

// TestPublicityDeadlineIgnoresMachineZone checks the day is taken in CST: 20:00
// UTC on a Friday is already Saturday in China.
func TestPublicityDeadlineIgnoresMachineZone(t *testing.T) {
	friday := time.Date(2026, 12, 4, 20, 0, 0, 0, time.UTC)
	got := publicityDeadline(friday, 1)
	assert.Equal(t, "2026-12-07 23:59:59", regplatform.NewTime(got).String())
}

func TestNoticePublication(t *testing.T) {
	h := newHarness(t, Config{})
	body := golden(t, "wire/requests/single-source-DY2026000101-r1.json")
	rc := data[regplatform.Receipt](t, h.push(pathNotices, body))
	require.Equal(t, regplatform.StatusPublishing, rc.Status)

	res := data[regplatform.NoticeResults](t,
		h.results(pathNoticeResults, "DY2026000101", "DY2026000199"))
	require.Len(t, res.Results, 1)
	n := res.Results[0]
	assert.Equal(t, regplatform.StatusPublished, n.Status)
	assert.Equal(t, "2026-12-03 10:00:00", n.PublishedAt.String())
	assert.Equal(t, "2026-12-10 23:59:59", n.Deadline.String())
	assert.Regexp(t, `^https://zcjg\.example\.gov\.cn/notice/dy/[0-9]+$`, n.NoticeURL)
	assert.Regexp(t, `^ZCDY-330000-2026-[0-9]{6}$`, n.PlatformID)
	assert.Equal(t, []string{"DY2026000199"}, res.NotFound)
}

func TestNoticeFailureAndRepublication(t *testing.T) {
	h := newHarness(t, Config{})
	h.p.Script(regplatform.FlowSingleSource, "DY2026000102", Script{
		Outcomes: map[int]Outcome{1: {Status: regplatform.StatusFailed, Reason: "公示内容不完整"}},
	})
	body := golden(t, "wire/requests/single-source-DY2026000102-r1.json")
	require.Equal(t, regplatform.CodeOK, h.push(pathNotices, body).env.Code)

	res := data[regplatform.NoticeResults](t, h.results(pathNoticeResults, "DY2026000102"))
	require.Len(t, res.Results, 1)
	assert.Equal(t, regplatform.StatusFailed, res.Results[0].Status)
	assert.Equal(t, "公示内容不完整", res.Results[0].FailReason)
	assert.True(t, res.Results[0].Deadline.IsZero())

	require.Equal(t, regplatform.CodeOK, h.push(pathNotices, withRevision(t, body, 2)).env.Code)
	res = data[regplatform.NoticeResults](t, h.results(pathNoticeResults, "DY2026000102"))
	assert.Equal(t, 2, res.Results[0].Revision)
	assert.Equal(t, regplatform.StatusPublished, res.Results[0].Status)
}

func TestNoticeReservedFieldRefused(t *testing.T) {
	h := newHarness(t, Config{})
	body := withField(t, golden(t, "wire/requests/single-source-DY2026000101-r1.json"),
		"experts", []string{"张三"})
	got := h.push(pathNotices, body)
	assert.Equal(t, regplatform.CodeMalformedBody, got.env.Code)
	assert.Contains(t, string(got.env.Data), `"field":"experts"`)
}

// TestFlowsAreSeparate shows one source_id in two flows is two records.
func TestFlowsAreSeparate(t *testing.T) {
	h := newHarness(t, Config{})
	intention := withField(t, intentionBody(t), "source_id", "SAME-1")
	notice := withField(t, golden(t, "wire/requests/single-source-DY2026000101-r1.json"),
		"source_id", "SAME-1")
	require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, intention).env.Code)
	rc := data[regplatform.Receipt](t, h.push(pathNotices, notice))
	assert.False(t, rc.Duplicate)

	res := data[regplatform.PlanResults](t, h.results(pathPlanResults, "SAME-1"))
	assert.Equal(t, []string{"SAME-1"}, res.NotFound)
}
