package regplatform_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// TestParseChecksTheWrittenFormOnly checks the split of duties the docs
// state: parsing accepts any well-written number, and Validate refuses one
// out of range, naming the field.
func TestParseChecksTheWrittenFormOnly(t *testing.T) {
	q, err := regplatform.ParseQuantity("0")
	require.NoError(t, err)
	assert.Equal(t, "0", q.String())
	negQ, err := regplatform.ParseQuantity("-1")
	require.NoError(t, err)
	assert.Equal(t, "-1", negQ.String())
	negM, err := regplatform.ParseMoney("-1")
	require.NoError(t, err)
	assert.Equal(t, "-1.00", negM.String())

	r := sampleIntention()
	r.Items[0].Quantity = q
	r.Items[1].Quantity = negQ
	r.Items[1].BudgetAmount = negM

	var ve *regplatform.ValidationError
	require.ErrorAs(t, r.Validate(), &ve)
	var fields []string
	for _, f := range ve.Fields {
		fields = append(fields, f.Field)
	}
	assert.ElementsMatch(t, []string{
		"items[0].quantity", "items[1].quantity", "items[1].budget_amount",
	}, fields)
}

func TestParseErrorsSayTheExpectedForm(t *testing.T) {
	const (
		moneyForm = "digits, optionally a point and up to two digits"
		qtyForm   = "digits, optionally a point and up to four digits"
	)
	parseMoney := func(s string) error { _, err := regplatform.ParseMoney(s); return err }
	parseQty := func(s string) error { _, err := regplatform.ParseQuantity(s); return err }
	tests := []struct {
		name     string
		parse    func(string) error
		in       string
		class    error
		want     string
		wantNone string
	}{
		{"money plus sign", parseMoney, "+1", regplatform.ErrMoneyFormat, moneyForm,
			"fractional"},
		{"money leading space", parseMoney, " 1", regplatform.ErrMoneyFormat, moneyForm,
			"fractional"},
		{"money exponent", parseMoney, "1e3", regplatform.ErrMoneyFormat, moneyForm,
			"fractional"},
		{"money empty", parseMoney, "", regplatform.ErrMoneyFormat, moneyForm, "fractional"},
		{"money bare point", parseMoney, "1.", regplatform.ErrMoneyFormat, moneyForm,
			"fractional"},
		{"money third digit", parseMoney, "1.005", regplatform.ErrMoneyFormat,
			"more than two fractional digits", moneyForm},
		{"quantity plus sign", parseQty, "+1", regplatform.ErrQuantityFormat, qtyForm,
			"fractional"},
		{"quantity leading space", parseQty, " 1", regplatform.ErrQuantityFormat, qtyForm,
			"fractional"},
		{"quantity exponent", parseQty, "1e3", regplatform.ErrQuantityFormat, qtyForm,
			"fractional"},
		{"quantity fifth digit", parseQty, "1.00001", regplatform.ErrQuantityFormat,
			"more than four fractional digits", qtyForm},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.parse(tt.in)

			require.Error(t, err)
			assert.True(t, errors.Is(err, tt.class))
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), tt.wantNone)
			assert.Contains(t, err.Error(), `"`+tt.in+`"`, "the text is quoted")
		})
	}
}
