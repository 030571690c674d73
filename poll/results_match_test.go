package poll_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

func TestMatchLines(t *testing.T) {
	type mismatch struct {
		kind   poll.MismatchKind
		pkg    string
		line   int
		fields []string
	}
	tests := []struct {
		name   string
		change func(p *regplatform.Project)
		want   []mismatch
	}{
		{"as filed", func(*regplatform.Project) {}, nil},
		{"line added on the platform", func(p *regplatform.Project) {
			p.Packages[0].Items = append(p.Packages[0].Items,
				regplatform.ProjectItem{LineNo: 9, Name: "备件"})
		}, []mismatch{{poll.MismatchNotFiled, "1", 9, nil}}},
		{"line missing on the platform", func(p *regplatform.Project) {
			p.Packages[2].Items = p.Packages[2].Items[:1]
		}, []mismatch{{poll.MismatchNotExecuted, "3", 2, nil}}},
		{"package missing on the platform", func(p *regplatform.Project) {
			p.Packages = p.Packages[:2]
		}, []mismatch{
			{poll.MismatchNotExecuted, "3", 1, nil}, {poll.MismatchNotExecuted, "3", 2, nil}}},
		{"package renumbered", func(p *regplatform.Project) {
			p.Packages[1].PackageNo = "2A"
		}, []mismatch{
			{poll.MismatchNotExecuted, "2", 1, nil}, {poll.MismatchNotFiled, "2A", 1, nil}}},
		{"fields differ", func(p *regplatform.Project) {
			it := &p.Packages[0].Items[1]
			it.Quantity = regplatform.MustQuantity("3")
			it.Amount = regplatform.MustMoney("135000.00")
			p.Packages[1].Items[0].CategoryCode = "A02100499"
			p.Packages[2].Items[0].UnitPrice = regplatform.MustMoney("126000.05")
		}, []mismatch{
			{poll.MismatchDiffers, "1", 2, []string{"quantity", "amount"}},
			{poll.MismatchDiffers, "2", 1, []string{"category_code"}},
			{poll.MismatchDiffers, "3", 1, []string{"unit_price"}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			filed := filedPlan(t, "202611150021")
			project := projectOf(t, filed, "P", regplatform.BusinessETrade, "2026-12-03 10:00:00")
			tt.change(&project)

			pairs, mismatches := poll.MatchLines(filed, &project)

			var got []mismatch
			for _, m := range mismatches {
				got = append(got, mismatch{m.Kind, m.PackageNo, m.LineNo, m.Fields})
				switch m.Kind {
				case poll.MismatchNotFiled:
					assert.Nil(t, m.Filed)
					assert.NotNil(t, m.Executed)
				case poll.MismatchNotExecuted:
					assert.NotNil(t, m.Filed)
					assert.Nil(t, m.Executed)
				default:
					assert.NotNil(t, m.Filed)
					assert.NotNil(t, m.Executed)
				}
			}
			assert.Equal(t, tt.want, got)

			lines := 0
			for _, pk := range project.Packages {
				lines += len(pk.Items)
			}
			require.Len(t, pairs, lines, "every executed line is returned")
			for _, pair := range pairs {
				assert.Equal(t, pair.LineNo, pair.Executed.LineNo)
				if pair.Filed != nil {
					assert.Equal(t, pair.LineNo, pair.Filed.LineNo)
				}
			}
		})
	}
}

func TestMatchLinesWithoutFiledPlan(t *testing.T) {
	filed := filedPlan(t, "202611150021")
	project := projectOf(t, filed, "P", regplatform.BusinessETrade, "2026-12-03 10:00:00")

	pairs, mismatches := poll.MatchLines(nil, &project)
	assert.Len(t, pairs, 5)
	assert.Empty(t, mismatches)
	for _, p := range pairs {
		assert.Nil(t, p.Filed)
	}

	pairs, mismatches = poll.MatchLines(filed, nil)
	assert.Nil(t, pairs)
	assert.Nil(t, mismatches)
}

func TestBuildResultsUpdateKeepsEntriesOfUnlistedPackages(t *testing.T) {
	filed := filedPlan(t, "202611200005")
	project := projectOf(t, filed, "P", regplatform.BusinessETrade, "2026-12-03 10:00:00")
	u := poll.BuildResultsUpdate(poll.ExecutingPlan{SourceID: "S", PlanID: "P"}, &project,
		[]regplatform.Announcement{{AnnouncementID: "GG-7", PackageNos: []string{"7"}}},
		[]regplatform.Bid{{BidID: "B7", PackageNo: "7"}},
		[]regplatform.Award{{AwardID: "W7", PackageNo: "7"}})

	require.Len(t, u.Packages, 2)
	extra := u.Packages[1]
	assert.True(t, extra.Unlisted)
	assert.Equal(t, "7", extra.PackageNo)
	assert.Len(t, extra.Bids, 1)
	assert.Len(t, extra.Awards, 1)
	require.Len(t, u.Announcements, 1, "an announcement naming only unknown packages")
	assert.False(t, u.Packages[0].Unlisted)
}
