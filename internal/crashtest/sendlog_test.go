package crashtest

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/regplatform"
)

func TestSendLogMarksOnlyReadSuccessAnswers(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "engine-1", r.Header.Get(HeaderEngine))
		if strings.Contains(r.URL.Path, "plans") {
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"code":"5000","message":"平台内部错误"}`))
			return
		}
		_, _ = w.Write([]byte(`{"code":"0000","message":"成功","data":{}}`))
	}))
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "engine-1.sends")
	l, err := newSendLog(path, "engine-1", http.DefaultTransport)
	require.NoError(t, err)
	c := &http.Client{Transport: l}

	post := func(p, body string) {
		t.Helper()
		resp, err := c.Post(srv.URL+p, "application/json", strings.NewReader(body))
		require.NoError(t, err)
		_, _ = resp.Body.Read(make([]byte, 1024))
		resp.Body.Close()
	}
	post("/v1/intentions", `{"source_id":"CTYX000001","revision":1}`)
	post("/v1/plans", `{"source_id":"CTJH000001","revision":2}`)
	resp, err := c.Get(srv.URL + "/v1/intentions/results?source_ids=CTYX000001")
	require.NoError(t, err)
	resp.Body.Close()
	require.NoError(t, l.Close())

	got, err := ReadSendLogs(path)
	require.NoError(t, err)
	assert.Equal(t, []Attempt{
		{ID: "engine-1/1", Flow: regplatform.FlowIntention, SourceID: "CTYX000001",
			Revision: 1, Answered: true},
		{ID: "engine-1/2", Flow: regplatform.FlowPlan, SourceID: "CTJH000001", Revision: 2},
	}, got)
}

func TestUnexplainedResends(t *testing.T) {
	k := mock.AcceptKey{Flow: regplatform.FlowIntention, SourceID: "CTYX000001", Revision: 1}
	lost := Attempt{Flow: k.Flow, SourceID: k.SourceID, Revision: k.Revision}
	answered := lost
	answered.Answered = true
	other := lost
	other.Revision = 2

	cases := []struct {
		name     string
		dups     int
		attempts []Attempt
		want     int
	}{
		{"no duplicate", 0, []Attempt{answered}, 0},
		{"one lost answer explains one duplicate", 1, []Attempt{lost, answered}, 0},
		{"answered first push", 1, []Attempt{answered, answered}, 1},
		{"two duplicates, one lost answer", 2, []Attempt{lost, answered, answered}, 1},
		{"a lost answer of another revision", 1, []Attempt{other, answered}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := UnexplainedResends(map[mock.AcceptKey]int{k: c.dups}, c.attempts)
			assert.Len(t, got, c.want, got)
		})
	}
}
