package regplatform

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPushBodySizeBoundary sends a body of exactly MaxBodyBytes and refuses
// one byte more before anything leaves.
func TestPushBodySizeBoundary(t *testing.T) {
	fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
	c, _ := newTestClient(t, fp.srv.URL)
	valid := validIntentionBody(t)
	body := append(valid, bytes.Repeat([]byte(" "), MaxBodyBytes-len(valid))...)

	_, err := c.Intentions.PublishBody(context.Background(), append(body, ' '))
	require.ErrorIs(t, err, ErrValidation)
	assert.Empty(t, fp.requests())

	_, err = c.Intentions.PublishBody(context.Background(), body)
	require.NoError(t, err)
	require.Len(t, fp.requests(), 1)
	assert.Len(t, fp.requests()[0].Body, MaxBodyBytes)
}
