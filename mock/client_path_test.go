package mock_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/regplatform"
)

// TestClientEscapedPlanIDAuthenticates reads a plan id that must be escaped
// in a path, through the SDK's client and a base path: both sides sign the
// escaped path, so the answer is "no such plan", not a signature mismatch.
func TestClientEscapedPlanIDAuthenticates(t *testing.T) {
	p := mock.New(mock.Config{AppKey: "203000001", AppSecret: "s", BasePath: "/openapi"})
	srv := httptest.NewServer(p)
	t.Cleanup(srv.Close)
	c, err := regplatform.NewClient(regplatform.WithBaseURL(srv.URL+"/openapi"),
		regplatform.WithCredentials("203000001", "s"))
	require.NoError(t, err)

	for _, id := range []string{"ZCJH/2026 01", "ZCJH%41", "计划-1"} {
		_, err := c.Results.Project(context.Background(), id)
		assert.ErrorIs(t, err, regplatform.ErrNotFound, "%q: %v", id, err)
	}
	require.Len(t, p.Requests(), 3)
	assert.Equal(t, "/openapi/v1/plans/ZCJH%2F2026%2001/project", p.Requests()[0].Path)
}
