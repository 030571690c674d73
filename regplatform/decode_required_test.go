package regplatform_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestDecodeRefusesMissingBoolean removes a required boolean from golden
// bodies: absent, it would decode as false and pass every field rule, so
// Decode reports it by path.
func TestDecodeRefusesMissingBoolean(t *testing.T) {
	tests := []struct {
		flow     regplatform.Flow
		sourceID string
		field    string
		label    string
		into     any
	}{
		{regplatform.FlowSingleSource, "DY2026000101", "centralized", "是否集中采购目录内品目",
			&regplatform.SingleSourceNotice{}},
		{regplatform.FlowPlan, "202611150021", "entrusted", "是否委托代理机构",
			&regplatform.PlanFiling{}},
		{regplatform.FlowPlan, "202611150021", "centralized", "是否含集中采购目录内品目",
			&regplatform.PlanFiling{}},
	}
	for _, tt := range tests {
		t.Run(string(tt.flow)+" "+tt.field, func(t *testing.T) {
			var m map[string]json.RawMessage
			require.NoError(t, json.Unmarshal(goldenRequest(t, tt.flow, tt.sourceID), &m))
			delete(m, tt.field)
			body, err := json.Marshal(m)
			require.NoError(t, err)

			err = regplatform.Decode(body, tt.into)
			var ve *regplatform.ValidationError
			require.True(t, errors.As(err, &ve), "%v", err)
			require.Len(t, ve.Fields, 1)
			assert.Equal(t, tt.field, ve.Fields[0].Field)
			assert.Equal(t, tt.label, ve.Fields[0].Label)
			assert.Contains(t, ve.Fields[0].Message, "必填")
		})
	}
}

// TestDecodeOptionalFieldsMayBeAbsent decodes bodies without their optional
// members: only required booleans must be present.
func TestDecodeOptionalFieldsMayBeAbsent(t *testing.T) {
	var n regplatform.Intention
	body := `{"source_id":"A","revision":1,"org_code":"X","org_name":"Y","title":"Z",` +
		`"items":[{"item_id":"I"}]}`
	assert.NoError(t, regplatform.Decode([]byte(body), &n))

	var p regplatform.PlanFiling
	assert.NoError(t, regplatform.Decode([]byte(`{"entrusted":false,"centralized":true}`), &p))
}
