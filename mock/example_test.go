package mock_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/regplatform"
)

// The mock serves the SDK's client in a test: one intention is scripted to
// fail review, and its first push suffers a 5000 after the platform stored
// it; the client's resend is a duplicate, so the record is accepted once.
func Example() {
	p := mock.New(mock.Config{AppKey: "203000001", AppSecret: "example-secret"})
	p.Script(regplatform.FlowIntention, "YX2021020023", mock.Script{
		Outcomes: map[int]mock.Outcome{
			1: {Status: regplatform.StatusFailed, Reason: "数据格式有误"},
		},
		Faults: []mock.KeyFault{{Revision: 1, Attempt: 1, Fault: mock.FaultErrorAfterStore}},
	})
	srv := httptest.NewServer(p)
	defer srv.Close()

	c, err := regplatform.NewClient(regplatform.WithBaseURL(srv.URL),
		regplatform.WithCredentials("203000001", "example-secret"))
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	for _, in := range fixtures.Intentions() {
		if in.SourceID != "YX2021020023" {
			continue
		}
		rc, err := c.Intentions.Publish(ctx, &in)
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Println("duplicate:", rc.Duplicate)
	}

	res, err := c.Intentions.Results(ctx, []string{"YX2021020023"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.Results[0].Status, res.Results[0].FailReason)
	fmt.Println("accepted:", p.Accepted(regplatform.FlowIntention, "YX2021020023", 1))
	// Output:
	// duplicate: true
	// FAILED 数据格式有误
	// accepted: 1
}
