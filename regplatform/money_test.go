package regplatform_test

import (
	"encoding/json"
	"testing"

	"github.com/shopspring/decimal"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

func TestParseMoney(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "4000000", want: "4000000.00"},
		{in: "0.5", want: "0.50"},
		{in: "1234.56", want: "1234.56"},
		{in: "0", want: "0.00"},
		{in: "-1.5", want: "-1.50"},
		{in: "1.005", wantErr: true},
		{in: "1.000", wantErr: true},
		{in: "", wantErr: true},
		{in: "abc", wantErr: true},
		{in: "1,000.00", wantErr: true},
		{in: "1e3", wantErr: true},
		{in: "+1.00", wantErr: true},
		{in: ".50", wantErr: true},
		{in: "1.", wantErr: true},
		{in: " 1.00", wantErr: true},
		{in: "１.00", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			m, err := regplatform.ParseMoney(tc.in)
			if tc.wantErr {
				assert.ErrorIs(t, err, regplatform.ErrMoneyFormat)
				assert.False(t, m.IsSet())
				return
			}
			require.NoError(t, err)
			assert.True(t, m.IsSet())
			assert.Equal(t, tc.want, m.String())
		})
	}
}

func TestMustMoneyPanics(t *testing.T) {
	assert.Panics(t, func() { regplatform.MustMoney("1.005") })
}

func TestMoneyFromDecimal(t *testing.T) {
	m, err := regplatform.MoneyFromDecimal(decimal.RequireFromString("12.3"))
	require.NoError(t, err)
	assert.Equal(t, "12.30", m.String())

	_, err = regplatform.MoneyFromDecimal(decimal.RequireFromString("12.345"))
	assert.ErrorIs(t, err, regplatform.ErrMoneyFormat)
}

func TestMoneyArithmetic(t *testing.T) {
	a, b := regplatform.MustMoney("2382000.60"), regplatform.MustMoney("1588000.40")
	assert.True(t, a.Add(b).Equal(regplatform.MustMoney("3970001")))
	assert.Equal(t, "3970001.00", a.Add(b).String())
	assert.True(t, regplatform.Money{}.Add(a).Equal(a), "unset adds as zero")
	assert.False(t, regplatform.Money{}.Equal(regplatform.MustMoney("0")), "unset is not zero")

	// 0.1 + 0.2 is exactly 0.3 on decimals.
	sum := regplatform.MustMoney("0.10").Add(regplatform.MustMoney("0.20"))
	assert.True(t, sum.Equal(regplatform.MustMoney("0.30")))
}

func TestMoneyInRange(t *testing.T) {
	tests := []struct {
		in   string
		want bool
	}{
		{"0.01", true},
		{"999999999999.99", true},
		{"0", false},
		{"-0.01", false},
		{"1000000000000", false},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, regplatform.MustMoney(tc.in).InRange(), tc.in)
	}
	assert.False(t, regplatform.Money{}.InRange())
}

func TestMoneyJSON(t *testing.T) {
	b, err := json.Marshal(regplatform.MustMoney("4000000"))
	require.NoError(t, err)
	assert.Equal(t, `"4000000.00"`, string(b))

	b, err = json.Marshal(regplatform.Money{})
	require.NoError(t, err)
	assert.Equal(t, `""`, string(b))

	tests := []struct {
		wire, want string
		wantErr    bool
	}{
		{wire: `"4000000.00"`, want: "4000000.00"},
		{wire: `"0.50"`, want: "0.50"},
		{wire: `""`, want: ""},
		{wire: `4000000.00`, wantErr: true},
		{wire: `1.5`, wantErr: true},
		{wire: `"1.5"`, wantErr: true},
		{wire: `"1"`, wantErr: true},
		{wire: `"1.005"`, wantErr: true},
		{wire: `"-1.00"`, want: "-1.00"}, // out of range: Validate says so
		{wire: `"01.00"`, wantErr: true},
		{wire: `"00.50"`, wantErr: true},
		{wire: `"+1.00"`, wantErr: true},
		{wire: `" 1.00"`, wantErr: true},
		{wire: `"1.00 "`, wantErr: true},
		{wire: `"１.00"`, wantErr: true},
		{wire: `null`, wantErr: true},
		{wire: `true`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.wire, func(t *testing.T) {
			var m regplatform.Money
			err := m.UnmarshalJSON([]byte(tc.wire))
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, m.String())
			assert.Equal(t, tc.want != "", m.IsSet())
		})
	}
}

func TestMoneyJSONInStruct(t *testing.T) {
	var it regplatform.NoticeItem
	err := json.Unmarshal([]byte(`{"unit_price":80000}`), &it)
	assert.Error(t, err, "a JSON number never becomes money")

	require.NoError(t, json.Unmarshal([]byte(`{"unit_price":"80000.00"}`), &it))
	assert.Equal(t, "80000.00", it.UnitPrice.String())
}

func TestParseQuantity(t *testing.T) {
	tests := []struct {
		in, want string
		wantErr  bool
	}{
		{in: "1", want: "1"},
		{in: "2.5", want: "2.5"},
		{in: "2.50", want: "2.5"},
		{in: "40", want: "40"},
		{in: "0.0001", want: "0.0001"},
		{in: "1.0000", want: "1"},
		{in: "01", want: "1"},
		{in: "1.00001", wantErr: true},
		{in: "", wantErr: true},
		{in: "1e2", wantErr: true},
		{in: "two", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			q, err := regplatform.ParseQuantity(tc.in)
			if tc.wantErr {
				assert.ErrorIs(t, err, regplatform.ErrQuantityFormat)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, q.String())
		})
	}
}

func TestQuantityJSON(t *testing.T) {
	b, err := json.Marshal(regplatform.MustQuantity("2.50"))
	require.NoError(t, err)
	assert.Equal(t, `"2.5"`, string(b))

	tests := []struct {
		wire, want string
		wantErr    bool
	}{
		{wire: `"1"`, want: "1"},
		{wire: `"2.5"`, want: "2.5"},
		{wire: `"0.0001"`, want: "0.0001"},
		{wire: `""`, want: ""},
		{wire: `"2.50"`, wantErr: true},
		{wire: `"01"`, wantErr: true},
		{wire: `"2.0"`, wantErr: true},
		{wire: `"1.00001"`, wantErr: true},
		{wire: `2`, wantErr: true},
		{wire: `2.5`, wantErr: true},
		{wire: `null`, wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.wire, func(t *testing.T) {
			var q regplatform.Quantity
			err := q.UnmarshalJSON([]byte(tc.wire))
			if tc.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.want, q.String())
		})
	}
}
