package regplatform

import (
	"context"
	"errors"
	"reflect"
)

const (
	pathIntentions       = "/v1/intentions"
	pathIntentionResults = "/v1/intentions/results"
)

// IntentionsService publishes 采购意向 announcements (2.5.1) and reads their
// publication results (2.5.2).
type IntentionsService struct{ c *Client }

// Publish validates r, encodes it and sends it (2.5.1 意向发布). It sends
// nothing when r is invalid and returns the *ValidationError listing every
// failing field. A caller that may resend should keep the body instead: see
// PublishBody.
func (s *IntentionsService) Publish(ctx context.Context, r *Intention) (*Receipt, error) {
	if r == nil {
		return nil, errors.New("regplatform: publish intention: nil request")
	}
	body, err := Encode(r)
	if err != nil {
		return nil, err
	}
	return s.PublishBody(ctx, body)
}

// PublishBody sends body, an intention already encoded by Encode, byte for
// byte (2.5.1). A resend of the same revision must use the same bytes: the
// platform answers a duplicate with the original receipt and Duplicate set,
// and a changed body with 3001. Before sending it checks body as Publish
// checks a request: within MaxBodyBytes, decoded strictly by Decode as an
// Intention, then Validate. A body that fails is not sent; the
// *ValidationError names every failing field and MaybeSent reports false.
func (s *IntentionsService) PublishBody(ctx context.Context, body []byte) (*Receipt, error) {
	return s.c.push(ctx, "intention", pathIntentions, reflect.TypeFor[Intention](), body)
}

// Results reads the publication result of each source_id (2.5.2), for the
// latest revision the platform holds. Any number of ids may be given; they
// are read MaxResultIDs per call and merged, repeated ids once. Ids the
// platform does not know are listed in NotFound. An id that breaks the
// identifier rule fails the whole call with a *ValidationError before any
// request.
func (s *IntentionsService) Results(ctx context.Context, ids []string) (*IntentionResults, error) {
	rs, err := readResults[IntentionResult](ctx, s.c, pathIntentionResults, ids)
	if err != nil {
		return nil, err
	}
	return &IntentionResults{Results: rs.Results, NotFound: rs.NotFound}, nil
}
