package regplatform_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/zcbridge/zcbridge/regplatform"
)

// A stand-in platform that answers every read with one published result.
func examplePlatform() *httptest.Server {
	return httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		fmt.Fprint(w, `{"code":"0000","message":"成功","request_id":"r1","data":{`+
			`"results":[{"source_id":"YX2021080013","revision":1,"status":"PUBLISHED",`+
			`"published_at":"2026-12-03 10:05:00","publish_url":"https://zcjg.example.gov.cn/n/1",`+
			`"platform_id":"ZCYX-1","fail_reason":""}],"not_found":["YX2021080099"]}}`)
	}))
}

func ExampleNewClient() {
	srv := examplePlatform()
	defer srv.Close()

	c, err := regplatform.NewClient(
		regplatform.WithBaseURL(srv.URL),
		regplatform.WithCredentials("203000001", "testAppSecret0123456789abcdefABCD"),
	)
	if err != nil {
		fmt.Println(err)
		return
	}

	res, err := c.Intentions.Results(context.Background(),
		[]string{"YX2021080013", "YX2021080099"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range res.Results {
		fmt.Println(r.SourceID, r.Status, r.PublishedAt, r.PlatformID)
	}
	fmt.Println("not found:", res.NotFound)
	// Output:
	// YX2021080013 PUBLISHED 2026-12-03 10:05:00 ZCYX-1
	// not found: [YX2021080099]
}

func ExampleMaybeSent() {
	// A push that timed out after it was written: its outcome is unknown.
	err := fmt.Errorf("push YX2021080013 r1: %w",
		&regplatform.TransportError{Op: "POST /v1/intentions", MaybeSent: true,
			Err: errors.New("timeout")})
	fmt.Println(regplatform.MaybeSent(err))

	// A 3002 answer: the platform refused it, nothing was stored.
	err = &regplatform.APIError{Code: regplatform.CodeStateConflict, HTTPStatus: 409}
	fmt.Println(regplatform.MaybeSent(err), errors.Is(err, regplatform.ErrConflict))
	// Output:
	// true
	// false true
}
