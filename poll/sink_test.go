package poll_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

func mustTime(t *testing.T, s string) regplatform.Time {
	t.Helper()
	v, err := regplatform.ParseTime(s)
	require.NoError(t, err)
	return v
}

func intentionPublished(t *testing.T, id string, rev int) poll.Outcome {
	return poll.Outcome{
		Flow: regplatform.FlowIntention, SourceID: id, Revision: rev,
		Kind: poll.OutcomePublished,
		Intention: &regplatform.IntentionResult{
			SourceID: id, Revision: rev, Status: regplatform.StatusPublished,
			PublishedAt: mustTime(t, "2026-12-03 10:05:00"),
			PublishURL:  "https://zcjg.example.gov.cn/notice/yx/8812",
			PlatformID:  "ZCYX-330000-2026-008812",
		},
	}
}

func noticePublished(t *testing.T, id string, rev int) poll.Outcome {
	return poll.Outcome{
		Flow: regplatform.FlowSingleSource, SourceID: id, Revision: rev,
		Kind: poll.OutcomePublished,
		Notice: &regplatform.NoticeResult{
			SourceID: id, Revision: rev, Status: regplatform.StatusPublished,
			PublishedAt: mustTime(t, "2026-12-03 10:05:00"),
			Deadline:    mustTime(t, "2026-12-10 23:59:59"),
			NoticeURL:   "https://zcjg.example.gov.cn/notice/dy/77",
			PlatformID:  "ZCDY-330000-2026-000077",
		},
	}
}

type namedSink string

func (s namedSink) Name() string                                 { return string(s) }
func (s namedSink) Deliver(context.Context, poll.Delivery) error { return nil }

func TestNewPublication(t *testing.T) {
	tests := []struct {
		name    string
		outcome poll.Outcome
		want    string
		wantErr bool
	}{
		{
			name:    "intention has no deadline",
			outcome: intentionPublished(t, "YX2021080013", 1),
			want: `{"flow":"intention","source_id":"YX2021080013","revision":1,` +
				`"platform_id":"ZCYX-330000-2026-008812",` +
				`"published_at":"2026-12-03 10:05:00",` +
				`"url":"https://zcjg.example.gov.cn/notice/yx/8812"}`,
		},
		{
			name:    "notice carries its deadline",
			outcome: noticePublished(t, "DY2026000101", 2),
			want: `{"flow":"single_source","source_id":"DY2026000101","revision":2,` +
				`"platform_id":"ZCDY-330000-2026-000077",` +
				`"published_at":"2026-12-03 10:05:00",` +
				`"url":"https://zcjg.example.gov.cn/notice/dy/77",` +
				`"deadline":"2026-12-10 23:59:59"}`,
		},
		{
			name: "failed outcome",
			outcome: poll.Outcome{Flow: regplatform.FlowIntention, SourceID: "X",
				Revision: 1, Kind: poll.OutcomeFailed, Reason: "数据格式有误"},
			wantErr: true,
		},
		{
			name: "published without a result",
			outcome: poll.Outcome{Flow: regplatform.FlowIntention, SourceID: "X",
				Revision: 1, Kind: poll.OutcomePublished},
			wantErr: true,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := poll.NewPublication(tt.outcome)
			if tt.wantErr {
				assert.ErrorIs(t, err, poll.ErrNotPublication)
				return
			}
			require.NoError(t, err)
			b, err := json.Marshal(p)
			require.NoError(t, err)
			assert.JSONEq(t, tt.want, string(b))
			assert.Equal(t, tt.want, string(b), "field order is part of the wire format")
		})
	}
}

func TestDeliveryIDIsDeterministicAndDistinct(t *testing.T) {
	base := poll.DeliveryID(regplatform.FlowIntention, "YX1", 1, "portal")
	assert.Equal(t, base, poll.DeliveryID(regplatform.FlowIntention, "YX1", 1, "portal"))
	assert.Len(t, base, 32)

	others := []string{
		poll.DeliveryID(regplatform.FlowSingleSource, "YX1", 1, "portal"),
		poll.DeliveryID(regplatform.FlowIntention, "YX2", 1, "portal"),
		poll.DeliveryID(regplatform.FlowIntention, "YX1", 2, "portal"),
		poll.DeliveryID(regplatform.FlowIntention, "YX1", 1, "yuncaitong"),
		// Parts that would run together without a separator.
		poll.DeliveryID(regplatform.FlowIntention, "YX11", 1, "portal"),
		poll.DeliveryID(regplatform.FlowIntention, "YX1", 11, "portal"),
	}
	seen := map[string]bool{base: true}
	for _, id := range others {
		assert.False(t, seen[id], "id %s repeats", id)
		seen[id] = true
	}
}

func TestEnqueuePublicationTwiceKeepsOnePerSink(t *testing.T) {
	ctx := context.Background()
	ob := newTestOutbox(t)
	sinks := []poll.Sink{namedSink("portal"), namedSink("yuncaitong")}
	now := time.Date(2026, 12, 3, 2, 5, 0, 0, time.UTC)
	o := noticePublished(t, "DY2026000101", 1)

	require.NoError(t, poll.EnqueuePublication(ctx, ob, sinks, o, now))
	require.NoError(t, poll.EnqueuePublication(ctx, ob, sinks, o, now.Add(time.Minute)))

	due, err := ob.Due(ctx, now.Add(time.Hour), time.Minute, 0)
	require.NoError(t, err)
	require.Len(t, due, 2)
	bySink := map[string]poll.Delivery{}
	for _, d := range due {
		bySink[d.Sink] = d
	}
	for _, name := range []string{"portal", "yuncaitong"} {
		d, ok := bySink[name]
		require.True(t, ok, "no delivery for %s", name)
		assert.Equal(t, poll.DeliveryID(o.Flow, o.SourceID, o.Revision, name), d.ID)
		assert.True(t, d.CreatedAt.Equal(now), "the first enqueue wins")
		var p poll.Publication
		require.NoError(t, json.Unmarshal(d.Payload, &p))
		assert.Equal(t, "ZCDY-330000-2026-000077", p.PlatformID)
		assert.Equal(t, "2026-12-10 23:59:59", p.Deadline.String())
	}
}

func TestEnqueuePublicationIgnoresOtherOutcomes(t *testing.T) {
	ctx := context.Background()
	ob := newTestOutbox(t)
	sinks := []poll.Sink{namedSink("portal")}
	now := time.Now()

	for _, kind := range []poll.OutcomeKind{
		poll.OutcomeFailed, poll.OutcomeFiled, poll.OutcomeRejected, poll.OutcomeInvalid,
	} {
		o := poll.Outcome{Flow: regplatform.FlowPlan, SourceID: "P1", Revision: 1, Kind: kind}
		require.NoError(t, poll.EnqueuePublication(ctx, ob, sinks, o, now), kind)
	}
	require.NoError(t, poll.EnqueuePublication(ctx, ob, nil, intentionPublished(t, "Y", 1), now))

	due, err := ob.Due(ctx, now.Add(time.Hour), time.Minute, 0)
	require.NoError(t, err)
	assert.Empty(t, due)
}

func TestEnqueuePublicationReportsOutboxFailure(t *testing.T) {
	ob := newTestOutbox(t)
	ob.failEnqueue = errors.New("disk full")
	err := poll.EnqueuePublication(context.Background(), ob,
		[]poll.Sink{namedSink("portal")}, intentionPublished(t, "YX1", 1), time.Now())
	assert.ErrorIs(t, err, ob.failEnqueue)
	assert.Contains(t, err.Error(), "YX1")
}
