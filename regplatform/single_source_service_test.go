package regplatform

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestNoticePublishSendsGoldenBody(t *testing.T) {
	for _, n := range loadFixtures[SingleSourceNotice](t, "single-source.json") {
		t.Run(n.SourceID, func(t *testing.T) {
			fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
			c, _ := newTestClient(t, fp.srv.URL+"/openapi")

			rc, err := c.SingleSource.Publish(context.Background(), &n)

			require.NoError(t, err)
			assert.Equal(t, StatusPublishing, rc.Status)
			require.Len(t, fp.requests(), 1)
			got := fp.requests()[0]
			assert.Equal(t, "/openapi/v1/single-source/notices", got.Path)
			name := fmt.Sprintf("single-source-%s-r%d.json", n.SourceID, n.Revision)
			assert.Equal(t, string(goldenRequest(t, name)), string(got.Body))
			assert.Equal(t, got.Header.Get(HeaderSignature), expectedSignature(t, got))
		})
	}
}

func TestNoticePublishRefusesInvalidRequest(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	n := loadFixtures[SingleSourceNotice](t, "single-source.json")[0]
	n.Supplier.CreditCode = "914403001922038217"

	_, err := c.SingleSource.Publish(context.Background(), &n)

	require.ErrorIs(t, err, ErrValidation)
	assert.Contains(t, err.Error(), "supplier.credit_code")
	assert.Empty(t, fp.requests())
}

func TestNoticeResultsDecodeGolden(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "notice-results.http")))
	c, _ := newTestClient(t, fp.srv.URL)

	res, err := c.SingleSource.Results(context.Background(),
		[]string{"DY2026110001", "DY2026110002"})

	require.NoError(t, err)
	require.Len(t, res.Results, 2)
	assert.Equal(t, "/v1/single-source/notices/results", fp.requests()[0].Path)
	ok := res.Results[0]
	assert.Equal(t, StatusPublished, ok.Status)
	assert.Equal(t, "2026-12-11 23:59:59", ok.Deadline.String())
	assert.Equal(t, "https://zcjg.example.gov.cn/notice/dyly/311", ok.NoticeURL)
	assert.Equal(t, "ZCDY-330000-2026-000311", ok.PlatformID)
	failed := res.Results[1]
	assert.Equal(t, StatusFailed, failed.Status)
	assert.True(t, failed.Deadline.IsZero())
	assert.Equal(t, "供应商信用代码与名称不符", failed.FailReason)
	assert.Empty(t, res.NotFound)
}
