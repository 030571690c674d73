package regplatform

import (
	"context"
	"errors"
	"reflect"
)

const (
	pathPlans       = "/v1/plans"
	pathPlanResults = "/v1/plans/results"
)

// PlansService files 政府采购计划 (2.7.1) and reads their filing results
// (2.7.2).
type PlansService struct{ c *Client }

// File validates p, encodes it and sends it (2.7.1 计划备案推送). It sends
// nothing when p is invalid (sums included) and returns the
// *ValidationError listing every failing field. The receipt's status is
// FILING.
func (s *PlansService) File(ctx context.Context, p *PlanFiling) (*Receipt, error) {
	if p == nil {
		return nil, errors.New("regplatform: file plan: nil request")
	}
	body, err := Encode(p)
	if err != nil {
		return nil, err
	}
	return s.FileBody(ctx, body)
}

// FileBody sends body, a plan already encoded by Encode, byte for byte
// (2.7.1); resends of a revision must use the same bytes. Like
// IntentionsService.PublishBody it first checks body (size, Decode as a
// PlanFiling, Validate, sums included) and sends nothing when it fails,
// returning the *ValidationError.
func (s *PlansService) FileBody(ctx context.Context, body []byte) (*Receipt, error) {
	return s.c.push(ctx, "plan_filing", pathPlans, reflect.TypeFor[PlanFiling](), body)
}

// Results reads the filing result of each source_id (2.7.2), as
// IntentionsService.Results does. A FILED result carries the plan_id that
// ResultsService reads by.
func (s *PlansService) Results(ctx context.Context, ids []string) (*PlanResults, error) {
	rs, err := readResults[PlanResult](ctx, s.c, pathPlanResults, ids)
	if err != nil {
		return nil, err
	}
	return &PlanResults{Results: rs.Results, NotFound: rs.NotFound}, nil
}
