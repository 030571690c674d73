package mock

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

var receiptIDPattern = regexp.MustCompile(`^R20261203[0-9]{6}$`)

// TestGoldenRequestsAccepted pushes every hand-written request body of the
// regplatform testdata and expects each to be accepted as it stands.
func TestGoldenRequestsAccepted(t *testing.T) {
	dir := filepath.Join("wire", "requests")
	files, err := filepath.Glob(filepath.Join("..", "regplatform", "testdata", dir, "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			h := newHarness(t, Config{})
			name := filepath.Base(file)
			body := golden(t, filepath.Join(dir, name))
			path, pending := pathIntentions, regplatform.StatusPublishing
			switch {
			case strings.HasPrefix(name, "plan-"):
				path, pending = pathPlans, regplatform.StatusFiling
			case strings.HasPrefix(name, "single"):
				path = pathNotices
			}

			got := h.push(path, body)
			require.Equal(t, regplatform.CodeOK, got.env.Code, "%s %s",
				got.env.Message, got.env.Data)
			rc := data[regplatform.Receipt](t, got)
			assert.Regexp(t, receiptIDPattern, rc.ReceiptID)
			assert.Equal(t, pending, rc.Status)
			assert.Equal(t, "2026-12-03 10:00:00", rc.AcceptedAt.String())
			assert.False(t, rc.Duplicate)
			assert.NotEmpty(t, got.env.RequestID)
		})
	}
}

func TestDuplicatePush(t *testing.T) {
	h := newHarness(t, Config{})
	body := intentionBody(t)
	first := data[regplatform.Receipt](t, h.push(pathIntentions, body))

	// Same value: keys reordered, white space added.
	var m map[string]any
	require.NoError(t, json.Unmarshal(body, &m))
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "   ")
	require.NoError(t, enc.Encode(m))
	require.NotEqual(t, body, buf.Bytes())

	h.clock.Advance(time.Minute)
	again := data[regplatform.Receipt](t, h.push(pathIntentions, buf.Bytes()))
	assert.True(t, again.Duplicate)
	assert.Equal(t, first.ReceiptID, again.ReceiptID)
	assert.Equal(t, first.AcceptedAt, again.AcceptedAt)
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))

	// The duplicate receipt carries the current status.
	res := data[regplatform.IntentionResults](t, h.results(pathIntentionResults, "YX2021020023"))
	require.Len(t, res.Results, 1)
	require.Equal(t, regplatform.StatusPublished, res.Results[0].Status)
	latest := data[regplatform.Receipt](t, h.push(pathIntentions, body))
	assert.Equal(t, regplatform.StatusPublished, latest.Status)
	assert.True(t, latest.Duplicate)

	outcomes := map[RequestOutcome]int{}
	for _, r := range h.p.Requests() {
		outcomes[r.Outcome]++
	}
	assert.Equal(t, map[RequestOutcome]int{OutcomeAccepted: 1, OutcomeDuplicate: 2,
		OutcomeRead: 1}, outcomes)
}

func TestSameRevisionDifferentBody(t *testing.T) {
	h := newHarness(t, Config{})
	body := intentionBody(t)
	require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, body).env.Code)

	got := h.push(pathIntentions, withField(t, body, "title", "另一个主题"))
	assert.Equal(t, regplatform.CodeBodyMismatch, got.env.Code)
	assert.Equal(t, http.StatusConflict, got.status)
	assert.Equal(t, 1, h.p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))
}

// TestRevisionRules plays the revision rules of §5 in order on one record.
func TestRevisionRules(t *testing.T) {
	h := newHarness(t, Config{})
	h.p.Script(regplatform.FlowIntention, "YX2021020023", Script{
		Outcomes: map[int]Outcome{1: {Status: regplatform.StatusFailed, Reason: "数据格式有误"}},
	})
	body := intentionBody(t)
	read := func() regplatform.IntentionResult {
		res := data[regplatform.IntentionResults](t,
			h.results(pathIntentionResults, "YX2021020023"))
		require.Len(t, res.Results, 1)
		return res.Results[0]
	}

	steps := []struct {
		name string
		rev  int
		code string
	}{
		{"first push must be revision 1", 2, regplatform.CodeStateConflict},
		{"revision 1", 1, regplatform.CodeOK},
		{"revision 2 while 1 is in progress", 2, regplatform.CodeStateConflict},
		{"read: revision 1 fails", 0, ""},
		{"a gap", 3, regplatform.CodeStateConflict},
		{"republication as revision 2", 2, regplatform.CodeOK},
		{"a lower revision than the latest", 1, regplatform.CodeStateConflict},
		{"read: revision 2 is published", 0, ""},
		{"revision 3 after a publication", 3, regplatform.CodeStateConflict},
	}
	for _, s := range steps {
		if s.rev == 0 {
			r := read()
			switch r.Revision {
			case 1:
				assert.Equal(t, regplatform.StatusFailed, r.Status, s.name)
				assert.Equal(t, "数据格式有误", r.FailReason)
				assert.Empty(t, r.PublishURL)
				assert.True(t, r.PublishedAt.IsZero())
			default:
				assert.Equal(t, regplatform.StatusPublished, r.Status, s.name)
				assert.Equal(t, 2, r.Revision)
			}
			continue
		}
		got := h.push(pathIntentions, withRevision(t, body, s.rev))
		assert.Equal(t, s.code, got.env.Code, "%s: %s", s.name, got.env.Message)
	}
	assert.Equal(t, map[AcceptKey]int{
		{regplatform.FlowIntention, "YX2021020023", 1}: 1,
		{regplatform.FlowIntention, "YX2021020023", 2}: 1,
	}, h.p.AcceptedCounts())
}

func TestPushRefused(t *testing.T) {
	body := intentionBody(t)
	tests := []struct {
		name        string
		body        []byte
		contentType string
		code        string
		fields      []string
	}{
		{"not JSON", []byte("<xml/>"), "", regplatform.CodeMalformedBody, nil},
		{"unknown field", withField(t, body, "organization_form", "FSCG"), "",
			regplatform.CodeMalformedBody, nil},
		{"money as a number", []byte(strings.Replace(string(body),
			`"1234567.00"`, `1234567.00`, 1)), "", regplatform.CodeMalformedBody, nil},
		{"too large", append(bytes.Repeat([]byte(" "), regplatform.MaxBodyBytes), body...),
			"", regplatform.CodeMalformedBody, nil},
		{"not JSON content type", body, "text/plain", regplatform.CodeMalformedBody, nil},
		{"rules broken", withField(t, withField(t, body, "title", ""), "org_code", ""), "",
			regplatform.CodeInvalidParams, []string{"org_code", "title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			r := h.request(http.MethodPost, pathIntentions, nil, tt.body)
			if tt.contentType != "" {
				r.Header.Set("Content-Type", tt.contentType)
				resignAll(h, r)
			}
			got := h.serve(r)
			assert.Equal(t, tt.code, got.env.Code, got.env.Message)
			assert.Equal(t, http.StatusBadRequest, got.status)
			if tt.fields != nil {
				d := data[regplatform.ValidationDetails](t, reply{env: regplatform.Envelope{
					Code: regplatform.CodeOK, Data: got.env.Data}})
				var fields []string
				for _, f := range d.Errors {
					fields = append(fields, f.Field)
					assert.NotEmpty(t, f.Message)
				}
				assert.ElementsMatch(t, tt.fields, fields)
			}
			assert.Empty(t, h.p.AcceptedCounts())
		})
	}
}

func TestResultReads(t *testing.T) {
	h := newHarness(t, Config{PublishAfterReads: 2})
	require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, intentionBody(t)).env.Code)

	var statuses []regplatform.Status
	var last regplatform.IntentionResult
	for range 3 {
		res := data[regplatform.IntentionResults](t,
			h.results(pathIntentionResults, "YX2021020023", "YX-unknown"))
		require.Len(t, res.Results, 1)
		assert.Equal(t, []string{"YX-unknown"}, res.NotFound)
		last = res.Results[0]
		statuses = append(statuses, last.Status)
		h.clock.Advance(time.Minute)
	}
	assert.Equal(t, []regplatform.Status{regplatform.StatusPublishing,
		regplatform.StatusPublishing, regplatform.StatusPublished}, statuses)
	assert.Equal(t, "2026-12-03 10:02:00", last.PublishedAt.String())
	assert.Regexp(t, `^https://zcjg\.example\.gov\.cn/notice/yx/[0-9]+$`, last.PublishURL)
	assert.Regexp(t, `^ZCYX-330000-2026-[0-9]{6}$`, last.PlatformID)
	assert.Empty(t, last.FailReason)

	// The raw answer writes unknown fields as "" (§4).
	raw := h.results(pathIntentionResults, "YX2021020023")
	assert.Contains(t, string(raw.env.Data), `"fail_reason":""`)
}

func TestPublishAfterDelay(t *testing.T) {
	h := newHarness(t, Config{PublishAfter: 10 * time.Minute})
	require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, intentionBody(t)).env.Code)

	status := func() regplatform.Status {
		res := data[regplatform.IntentionResults](t,
			h.results(pathIntentionResults, "YX2021020023"))
		return res.Results[0].Status
	}
	for range 5 {
		assert.Equal(t, regplatform.StatusPublishing, status())
	}
	h.clock.Advance(10 * time.Minute)
	assert.Equal(t, regplatform.StatusPublished, status())
}

func TestScriptedHold(t *testing.T) {
	h := newHarness(t, Config{})
	h.p.Script(regplatform.FlowIntention, "YX2021020023", Script{
		Outcomes: map[int]Outcome{1: {Status: regplatform.StatusPublishing}},
	})
	require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, intentionBody(t)).env.Code)
	for range 10 {
		res := data[regplatform.IntentionResults](t,
			h.results(pathIntentionResults, "YX2021020023"))
		require.Equal(t, regplatform.StatusPublishing, res.Results[0].Status)
	}
}

func TestResultQueryLimits(t *testing.T) {
	ids := func(n int) []string {
		out := make([]string, n)
		for i := range out {
			out[i] = fmt.Sprintf("YX%04d", i)
		}
		return out
	}
	tests := []struct {
		name string
		ids  []string
		code string
	}{
		{"one", ids(1), regplatform.CodeOK},
		{"fifty", ids(50), regplatform.CodeOK},
		{"fifty-one", ids(51), regplatform.CodeInvalidParams},
		{"none", []string{""}, regplatform.CodeInvalidParams},
		{"bad identifier", []string{"YX 1"}, regplatform.CodeInvalidParams},
		{"empty item", []string{"YX1", ""}, regplatform.CodeInvalidParams},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, Config{})
			got := h.results(pathIntentionResults, tt.ids...)
			assert.Equal(t, tt.code, got.env.Code, got.env.Message)
			if tt.code == regplatform.CodeOK {
				res := data[regplatform.IntentionResults](t, got)
				assert.Equal(t, tt.ids, res.NotFound)
				assert.NotNil(t, res.Results)
			}
		})
	}
}

// TestRecordsPerAppKey shows that one school's source_id is not another's.
func TestRecordsPerAppKey(t *testing.T) {
	h := newHarness(t, Config{OtherKeys: map[string]string{"203000002": "second"}})
	require.Equal(t, regplatform.CodeOK, h.push(pathIntentions, intentionBody(t)).env.Code)

	other := newHarnessSharing(h, "203000002", "second")
	res := data[regplatform.IntentionResults](t,
		other.results(pathIntentionResults, "YX2021020023"))
	assert.Empty(t, res.Results)
	assert.Equal(t, []string{"YX2021020023"}, res.NotFound)

	rc := data[regplatform.Receipt](t, other.push(pathIntentions, intentionBody(t)))
	assert.False(t, rc.Duplicate)
	assert.Equal(t, 2, h.p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))
}

func TestSameValue(t *testing.T) {
	tests := []struct {
		a, b string
		same bool
	}{
		{`{"a":1,"b":[true,null,"x"]}`, `{ "b" : [true, null, "x"], "a" : 1 }`, true},
		{`{"n":1}`, `{"n":1.0}`, true},
		{`{"n":1e2}`, `{"n":100}`, true},
		{`{"n":1}`, `{"n":2}`, false},
		{`{"n":1}`, `{"n":"1"}`, false},
		{`{"s":"a"}`, `{"s":"a "}`, false},
		{`[1,2]`, `[2,1]`, false},
		{`{"a":1}`, `{"a":1,"b":null}`, false},
		{`{"t":true}`, `{"t":false}`, false},
	}
	for _, tt := range tests {
		a, err := jsonValue([]byte(tt.a))
		require.NoError(t, err)
		b, err := jsonValue([]byte(tt.b))
		require.NoError(t, err)
		assert.Equal(t, tt.same, sameValue(a, b), "%s vs %s", tt.a, tt.b)
	}
}

// resignAll signs r again over its current headers.
func resignAll(h *harness, r *http.Request) {
	h.sign(r, signedOf(r, regplatform.HeaderKey, regplatform.HeaderTimestamp,
		regplatform.HeaderNonce, regplatform.HeaderSignatureMethod))
}
