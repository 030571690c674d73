package regplatform

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPlanFileSendsGoldenBody(t *testing.T) {
	for _, p := range loadFixtures[PlanFiling](t, "plans.json") {
		t.Run(p.SourceID, func(t *testing.T) {
			fp := newFakePlatform(t, sequence(loadResponse(t, "receipt-plan.http")))
			c, _ := newTestClient(t, fp.srv.URL, WithSignatureMethod(HmacSM3))

			rc, err := c.Plans.File(context.Background(), &p)

			require.NoError(t, err)
			assert.Equal(t, StatusFiling, rc.Status)
			require.Len(t, fp.requests(), 1)
			got := fp.requests()[0]
			assert.Equal(t, "/v1/plans", got.Path)
			assert.Equal(t, string(HmacSM3), got.Header.Get(HeaderSignatureMethod))
			assert.Equal(t, got.Header.Get(HeaderSignature), expectedSignature(t, got))
			name := fmt.Sprintf("plan-%s-r%d.json", p.SourceID, p.Revision)
			assert.Equal(t, string(goldenRequest(t, name)), string(got.Body))
		})
	}
}

func TestPlanFileRefusesBadSums(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt-plan.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	p := loadFixtures[PlanFiling](t, "plans.json")[0]
	p.BudgetAmount = p.BudgetAmount.Add(MustMoney("0.01"))

	_, err := c.Plans.File(context.Background(), &p)

	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "plan_filing", ve.Kind)
	assert.Empty(t, fp.requests())
}

func TestPlanResultsDecodeGolden(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "plan-results.http")))
	c, _ := newTestClient(t, fp.srv.URL)

	res, err := c.Plans.Results(context.Background(),
		[]string{"202611150021", "202002270009", "202611200005", "202611300001"})

	require.NoError(t, err)
	assert.Equal(t, "/v1/plans/results", fp.requests()[0].Path)
	assert.Equal(t, []PlanResult{
		{SourceID: "202611150021", Revision: 1, Status: StatusFiled,
			PlanNo: "ZJCG-BA-2026-004417", FiledAt: mustTime(t, "2026-12-05 14:20:00"),
			PlanID: "ZCJH-2026-000311"},
		{SourceID: "202002270009", Revision: 1, Status: StatusRejected,
			FailReason: "采购方式与品目不符"},
		{SourceID: "202611200005", Revision: 1, Status: StatusFiling},
	}, res.Results)
	assert.Equal(t, []string{"202611300001"}, res.NotFound)
}
