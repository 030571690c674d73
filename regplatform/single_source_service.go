package regplatform

import (
	"context"
	"errors"
	"reflect"
)

const (
	pathNotices       = "/v1/single-source/notices"
	pathNoticeResults = "/v1/single-source/notices/results"
)

// SingleSourceService publishes 单一来源公示 notices (2.6.2) and reads their
// publication results (2.6.3).
type SingleSourceService struct{ c *Client }

// Publish validates n, encodes it and sends it (2.6.2 单一来源公示推送). It
// sends nothing when n is invalid and returns the *ValidationError listing
// every failing field.
func (s *SingleSourceService) Publish(ctx context.Context,
	n *SingleSourceNotice) (*Receipt, error) {
	if n == nil {
		return nil, errors.New("regplatform: publish single-source notice: nil request")
	}
	body, err := Encode(n)
	if err != nil {
		return nil, err
	}
	return s.PublishBody(ctx, body)
}

// PublishBody sends body, a notice already encoded by Encode, byte for byte
// (2.6.2); resends of a revision must use the same bytes. Like
// IntentionsService.PublishBody it first checks body (size, Decode as a
// SingleSourceNotice, Validate) and sends nothing when it fails, returning
// the *ValidationError.
func (s *SingleSourceService) PublishBody(ctx context.Context, body []byte) (*Receipt, error) {
	return s.c.push(ctx, "single_source_notice", pathNotices,
		reflect.TypeFor[SingleSourceNotice](), body)
}

// Results reads the publication result of each source_id (2.6.3), as
// IntentionsService.Results does: any number of ids, MaxResultIDs per call,
// merged.
func (s *SingleSourceService) Results(ctx context.Context, ids []string) (*NoticeResults, error) {
	rs, err := readResults[NoticeResult](ctx, s.c, pathNoticeResults, ids)
	if err != nil {
		return nil, err
	}
	return &NoticeResults{Results: rs.Results, NotFound: rs.NotFound}, nil
}
