package regplatform

import (
	"bytes"
	"context"
	"encoding/json"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// bodyFlowCase is one flow whose service sends a body given as bytes.
type bodyFlowCase struct {
	name   string
	kind   string
	golden string
	send   func(context.Context, *Client, []byte) (*Receipt, error)
	// Paths of the body's title, one budget amount and one quantity.
	title, budget, quantity string
}

var bodyFlows = []bodyFlowCase{
	{
		name: "intention", kind: "intention", golden: "intention-YX2021080013-r1.json",
		send: func(ctx context.Context, c *Client, b []byte) (*Receipt, error) {
			return c.Intentions.PublishBody(ctx, b)
		},
		title: "title", budget: "items[0].budget_amount", quantity: "items[0].quantity",
	},
	{
		name: "single source", kind: "single_source_notice",
		golden: "single-source-DY2026000101-r1.json",
		send: func(ctx context.Context, c *Client, b []byte) (*Receipt, error) {
			return c.SingleSource.PublishBody(ctx, b)
		},
		title: "notice_title", budget: "budget_amount", quantity: "items[0].quantity",
	},
	{
		name: "plan", kind: "plan_filing", golden: "plan-202611150021-r1.json",
		send: func(ctx context.Context, c *Client, b []byte) (*Receipt, error) {
			return c.Plans.FileBody(ctx, b)
		},
		title: "project_name", budget: "budget_amount",
		quantity: "packages[0].items[0].quantity",
	},
}

// validIntentionBody is a golden intention body that passes every local
// check.
func validIntentionBody(t *testing.T) []byte {
	t.Helper()
	return goldenRequest(t, "intention-YX2021080013-r1.json")
}

var pathStep = regexp.MustCompile(`^([a-z_]+)(?:\[([0-9]+)\])?$`)

// withField returns body with the member at path (such as
// "items[0].quantity") set to the JSON value raw, adding it when absent.
func withField(t *testing.T, body []byte, path, raw string) []byte {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var root any
	require.NoError(t, dec.Decode(&root))

	steps := strings.Split(path, ".")
	obj := root.(map[string]any)
	for i, step := range steps {
		m := pathStep.FindStringSubmatch(step)
		require.NotNil(t, m, step)
		if i == len(steps)-1 {
			require.Empty(t, m[2], "the last step names a member")
			obj[m[1]] = json.RawMessage(raw)
			break
		}
		next := obj[m[1]]
		if m[2] != "" {
			n, err := strconv.Atoi(m[2])
			require.NoError(t, err)
			next = next.([]any)[n]
		}
		obj = next.(map[string]any)
	}
	out, err := json.Marshal(root)
	require.NoError(t, err)
	return out
}

// TestBodyServicesRefuseInvalidBodiesLocally sends bodies that break the
// wire shape or a field rule through each body service: none may reach the
// platform, and each is refused with the field it breaks.
func TestBodyServicesRefuseInvalidBodiesLocally(t *testing.T) {
	for _, flow := range bodyFlows {
		golden := goldenRequest(t, flow.golden)
		bad := []struct {
			name, path, raw string
		}{
			{"quantity not in shortest form", flow.quantity, `"1.0"`},
			{"budget as a JSON number", flow.budget, `4000000`},
			{"empty title", flow.title, `""`},
			{"unknown field", "foo", `1`},
			{"bad source_id", "source_id", `"YX 2021/08"`},
		}
		for _, tt := range bad {
			t.Run(flow.name+"/"+tt.name, func(t *testing.T) {
				fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
				c, _ := newTestClient(t, fp.srv.URL)

				rc, err := flow.send(context.Background(), c,
					withField(t, golden, tt.path, tt.raw))

				assert.Nil(t, rc)
				var ve *ValidationError
				require.ErrorAs(t, err, &ve)
				assert.ErrorIs(t, err, ErrValidation)
				assert.False(t, MaybeSent(err))
				assert.Equal(t, flow.kind, ve.Kind)
				var fields []string
				for _, f := range ve.Fields {
					fields = append(fields, f.Field)
				}
				assert.Equal(t, []string{tt.path}, fields)
				assert.Empty(t, fp.requests(), "nothing may reach the platform")
			})
		}
	}
}

// TestBodyServicesSendValidBodiesUnchanged checks that a body that passes
// the local checks is sent byte for byte, not re-encoded.
func TestBodyServicesSendValidBodiesUnchanged(t *testing.T) {
	for _, flow := range bodyFlows {
		golden := goldenRequest(t, flow.golden)
		// Space the client's own encoder would not produce must survive.
		padded := append(append([]byte(" \n"), golden...), " \t\n"...)
		for name, body := range map[string][]byte{"golden": golden, "padded": padded} {
			t.Run(flow.name+"/"+name, func(t *testing.T) {
				fp := newFakePlatform(t, sequence(loadResponse(t, "receipt.http")))
				c, _ := newTestClient(t, fp.srv.URL)

				_, err := flow.send(context.Background(), c, body)

				require.NoError(t, err)
				require.Len(t, fp.requests(), 1)
				assert.Equal(t, string(body), string(fp.requests()[0].Body))
			})
		}
	}
}
