package regplatform_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/regplatform"
)

// goldenRequest reads the hand-written wire body of one fixture record.
func goldenRequest(t *testing.T, flow regplatform.Flow, sourceID string) []byte {
	t.Helper()
	file := fmt.Sprintf("%s-%s-r1.json", strings.ReplaceAll(string(flow), "_", "-"), sourceID)
	name := filepath.Join("testdata", "wire", "requests", file)
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

type goldenCase struct {
	flow     regplatform.Flow
	sourceID string
	request  interface{ Validate() error }
}

func goldenCases() []goldenCase {
	var out []goldenCase
	for _, r := range fixtures.Intentions() {
		out = append(out, goldenCase{regplatform.FlowIntention, r.SourceID, &r})
	}
	for _, n := range fixtures.Notices() {
		out = append(out, goldenCase{regplatform.FlowSingleSource, n.SourceID, &n})
	}
	for _, p := range fixtures.Plans() {
		out = append(out, goldenCase{regplatform.FlowPlan, p.SourceID, &p})
	}
	return out
}

// TestEncodeGolden checks that Encode produces, byte for byte, the request
// bodies written by hand from the contract for every fixture record.
func TestEncodeGolden(t *testing.T) {
	cases := goldenCases()
	require.Len(t, cases, 11)
	for _, tc := range cases {
		t.Run(string(tc.flow)+"-"+tc.sourceID, func(t *testing.T) {
			want := goldenRequest(t, tc.flow, tc.sourceID)

			got, err := regplatform.Encode(tc.request)
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))
		})
	}
}

func TestEncodeRefusesInvalid(t *testing.T) {
	r := sampleIntention()
	r.Items[0].BudgetAmount = regplatform.Money{}

	body, err := regplatform.Encode(r)
	assert.Nil(t, body)
	fields := fieldErrors(t, err, "intention")
	assert.Equal(t, []string{"items[0].budget_amount"}, paths(fields))
}

func TestEncodeNil(t *testing.T) {
	var r *regplatform.Intention
	_, err := regplatform.Encode(r)
	require.Error(t, err)
	assert.NotErrorIs(t, err, regplatform.ErrValidation)

	_, err = regplatform.Encode(nil)
	assert.Error(t, err)
}

func TestEncodeNoHTMLEscaping(t *testing.T) {
	r := sampleIntention()
	r.Title = "实验室<一期>&二期"

	body, err := regplatform.Encode(r)
	require.NoError(t, err)
	assert.Contains(t, string(body), `"title":"实验室<一期>&二期"`)
	assert.False(t, strings.HasSuffix(string(body), "\n"))
}

// TestEncodeRefusesOversizedBody builds a plan that passes every field rule
// but encodes to more than MaxBodyBytes.
func TestEncodeRefusesOversizedBody(t *testing.T) {
	const packages, items = 15, 500
	one := regplatform.MustMoney("1.00")
	p := samplePlan()
	p.Packages = nil
	for i := range packages {
		pk := regplatform.PlanPackage{PackageNo: fmt.Sprint(i + 1), Name: "包",
			BudgetAmount: regplatform.MustMoney(fmt.Sprint(items))}
		for j := range items {
			pk.Items = append(pk.Items, regplatform.PlanItem{
				LineNo: j + 1, Name: strings.Repeat("物", 200), CategoryCode: "A02",
				CategoryName: "设备", BrandModel: strings.Repeat("型", 200),
				UnitPrice: one, Quantity: regplatform.MustQuantity("1"), Unit: "个", Amount: one,
			})
		}
		p.Packages = append(p.Packages, pk)
	}
	total := regplatform.MustMoney(fmt.Sprint(packages * items))
	p.BudgetAmount = total
	p.Funds = []regplatform.Fund{{Name: "经费", Account: "A", Amount: total}}
	require.NoError(t, p.Validate())

	body, err := regplatform.Encode(p)
	assert.Nil(t, body)
	fields := fieldErrors(t, err, "plan_filing")
	require.Len(t, fields, 1)
	assert.Equal(t, "", fields[0].Field)
	assert.Equal(t, "请求体", fields[0].Label)
	assert.Contains(t, fields[0].Message, "请求体不得超过8388608字节")
}

func TestLineAmount(t *testing.T) {
	tests := []struct{ unitPrice, qty, want string }{
		{"126000.50", "2", "252001.00"},
		{"66666.67", "12", "800000.04"},
		{"5299.00", "40", "211960.00"},
		{"0.05", "0.5", "0.03"}, // 0.025: half-up, not half-even
		{"0.15", "0.1", "0.02"}, // 0.015
		{"0.01", "0.4", "0.00"}, // 0.004
		{"1.00", "0.0001", "0.00"},
		{"3.33", "0.3333", "1.11"}, // 1.109889
		{"999999999999.99", "1", "999999999999.99"},
		{"0.01", "1000000", "10000.00"},
	}
	for _, tc := range tests {
		t.Run(tc.unitPrice+"×"+tc.qty, func(t *testing.T) {
			got := regplatform.LineAmount(regplatform.MustMoney(tc.unitPrice),
				regplatform.MustQuantity(tc.qty))
			assert.Equal(t, tc.want, got.String())
		})
	}

	unset := regplatform.LineAmount(regplatform.Money{}, regplatform.MustQuantity("2"))
	assert.False(t, unset.IsSet())
	unset = regplatform.LineAmount(regplatform.MustMoney("1.00"), regplatform.Quantity{})
	assert.False(t, unset.IsSet())
}
