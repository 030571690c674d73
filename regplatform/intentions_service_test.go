package regplatform

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// goldenRequest reads a hand-checked body of testdata/wire/requests.
func goldenRequest(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "wire", "requests", name))
	require.NoError(t, err)
	return b
}

func TestIntentionPublishSendsGoldenBody(t *testing.T) {
	for _, in := range loadFixtures[Intention](t, "intentions.json") {
		t.Run(in.SourceID, func(t *testing.T) {
			fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
			c, _ := newTestClient(t, fp.srv.URL)

			rc, err := c.Intentions.Publish(context.Background(), &in)

			require.NoError(t, err)
			assert.Equal(t, &Receipt{
				ReceiptID:  "R20261203000017",
				Status:     StatusPublishing,
				AcceptedAt: mustTime(t, "2026-12-03 10:00:00"),
			}, rc)
			require.Len(t, fp.requests(), 1)
			got := fp.requests()[0]
			assert.Equal(t, "/v1/intentions", got.Path)
			assert.Equal(t, contentTypeJSON, got.Header.Get("Content-Type"))
			name := fmt.Sprintf("intention-%s-r%d.json", in.SourceID, in.Revision)
			assert.Equal(t, string(goldenRequest(t, name)), string(got.Body))
		})
	}
}

func TestIntentionPublishRefusesInvalidRequest(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	in := loadFixtures[Intention](t, "intentions.json")[0]
	in.Title = ""
	in.Items[0].Content = strings.Repeat("采", 2001)

	_, err := c.Intentions.Publish(context.Background(), &in)

	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	assert.ErrorIs(t, err, ErrValidation)
	assert.False(t, MaybeSent(err))
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	assert.Contains(t, fields, "title")
	assert.Contains(t, fields, "items[0].content")
	assert.Empty(t, fp.requests())

	_, err = c.Intentions.Publish(context.Background(), nil)
	assert.Error(t, err)
	assert.Empty(t, fp.requests())
}

func TestPublishBodyRefusesWhatCannotBeARequest(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	tests := []struct {
		name string
		body []byte
	}{
		{"nil", nil},
		{"empty", []byte{}},
		{"not JSON", []byte(`{"source_id":`)},
		{"too large", append(append([]byte(`"`), make([]byte, MaxBodyBytes)...), '"')},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := c.Intentions.PublishBody(context.Background(), tt.body)

			var ve *ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "intention", ve.Kind)
			require.Len(t, ve.Fields, 1)
			assert.Equal(t, "请求体", ve.Fields[0].Label)
		})
	}
	assert.Empty(t, fp.requests())
}

func TestIntentionDuplicateReceipt(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt-duplicate.http")))
	c, _ := newTestClient(t, fp.srv.URL)

	rc, err := c.Intentions.PublishBody(context.Background(), validIntentionBody(t))

	require.NoError(t, err)
	assert.True(t, rc.Duplicate)
	assert.Equal(t, StatusPublished, rc.Status)
}

func TestIntentionResultsDecodeGolden(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "intention-results.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	ids := []string{"YX2021080013", "YX2022040022", "YX2021020023", "YX2021080099"}

	res, err := c.Intentions.Results(context.Background(), ids)

	require.NoError(t, err)
	assert.Equal(t, &IntentionResults{
		Results: []IntentionResult{
			{SourceID: "YX2021080013", Revision: 1, Status: StatusPublished,
				PublishedAt: mustTime(t, "2026-12-03 10:05:00"),
				PublishURL:  "https://zcjg.example.gov.cn/notice/yx/8812",
				PlatformID:  "ZCYX-330000-2026-008812"},
			{SourceID: "YX2022040022", Revision: 2, Status: StatusFailed,
				FailReason: "数据格式有误"},
			{SourceID: "YX2021020023", Revision: 1, Status: StatusPublishing},
		},
		NotFound: []string{"YX2021080099"},
	}, res)
	require.Len(t, fp.requests(), 1)
	assert.Equal(t, strings.Join(ids, ","), fp.requests()[0].Query.Get("source_ids"))
}

// TestResultsSplitIntoCallsOfFifty reads 120 ids: three calls of 50, 50 and
// 20 ids, merged in order.
func TestResultsSplitIntoCallsOfFifty(t *testing.T) {
	fp := newFakePlatform(t, func(_ int, r recorded) canned {
		var data resultSet[IntentionResult]
		for _, id := range strings.Split(r.Query.Get("source_ids"), ",") {
			if strings.HasSuffix(id, "7") {
				data.NotFound = append(data.NotFound, id)
				continue
			}
			data.Results = append(data.Results, IntentionResult{SourceID: id, Revision: 1,
				Status: StatusPublishing})
		}
		return okData(t, data)
	})
	c, _ := newTestClient(t, fp.srv.URL)
	var ids []string
	for i := range 120 {
		ids = append(ids, fmt.Sprintf("YX%04d", i))
	}

	res, err := c.Intentions.Results(context.Background(), append(ids, ids[3], ids[99]))

	require.NoError(t, err)
	reqs := fp.requests()
	require.Len(t, reqs, 3)
	for i, want := range []int{50, 50, 20} {
		assert.Len(t, strings.Split(reqs[i].Query.Get("source_ids"), ","), want)
	}
	var got []string
	for _, r := range res.Results {
		got = append(got, r.SourceID)
	}
	got = append(got, res.NotFound...)
	assert.ElementsMatch(t, ids, got)
	assert.Len(t, res.NotFound, 12)
}

func TestResultsRefuseBadIDs(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "intention-results.http")))
	c, _ := newTestClient(t, fp.srv.URL)

	_, err := c.Intentions.Results(context.Background(), []string{"YX1", "bad id", "", "ok"})

	var ve *ValidationError
	require.ErrorAs(t, err, &ve)
	require.Len(t, ve.Fields, 2)
	assert.Equal(t, "source_ids[1]", ve.Fields[0].Field)
	assert.Equal(t, "source_ids[2]", ve.Fields[1].Field)
	assert.Equal(t, "必填", ve.Fields[1].Message)
	assert.Equal(t, "regplatform: invalid result_query: source_ids[1] (校端唯一标识): "+
		"含不允许的字符' ', 只允许A-Z a-z 0-9 _ -; source_ids[2] (校端唯一标识): 必填",
		err.Error(), "each id's message once, without a second prefix")
	assert.Empty(t, fp.requests())

	res, err := c.Intentions.Results(context.Background(), nil)
	require.NoError(t, err)
	assert.Empty(t, res.Results)
	assert.Empty(t, res.NotFound)
	assert.Empty(t, fp.requests(), "no ids, no call")
}

// loadFixtures reads a sample file of internal/fixtures. The package itself
// imports regplatform, so this package's tests read its files directly.
func loadFixtures[T any](t *testing.T, name string) []T {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "internal", "fixtures", "testdata", name))
	require.NoError(t, err)
	var out []T
	require.NoError(t, json.Unmarshal(b, &out))
	require.NotEmpty(t, out)
	return out
}

func mustTime(t *testing.T, s string) Time {
	t.Helper()
	v, err := ParseTime(s)
	require.NoError(t, err)
	return v
}
