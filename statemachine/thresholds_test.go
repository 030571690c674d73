package statemachine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

func TestParseThresholds(t *testing.T) {
	th, err := statemachine.ParseThresholds(" C:300000.5 , A:1000000,JC:1, B : 2000000.00")
	require.NoError(t, err)
	assert.Equal(t, "A:1000000.00,B:2000000.00,C:300000.50,JC:1.00", th.String())
	limit, ok := th.Limit("C")
	require.True(t, ok)
	assert.Equal(t, "300000.5", limit.String())
	_, ok = th.Limit("D")
	assert.False(t, ok)
	assert.Equal(t, "", statemachine.Thresholds{}.String())
}

func TestParseThresholdsErrors(t *testing.T) {
	cases := []struct {
		name, in, part, reason string
	}{
		{"empty", "", "", "empty"},
		{"unknown key", "A:1,B:1,C:1,JC:1,D:5", "D:5", "unknown key"},
		{"lower-case key", "a:1,B:1,C:1,JC:1", "a:1", "unknown key"},
		{"A missing", "B:1,C:1,JC:1", "A", "missing"},
		{"B missing", "A:1,C:1,JC:1", "B", "missing"},
		{"C missing", "A:1,B:1,JC:1", "C", "missing"},
		{"JC missing", "A:1000000,B:1000000,C:1000000", "JC", "missing"},
		{"duplicate key", "A:1,B:1,A:2,C:1,JC:1", "A:2", "twice"},
		{"negative", "A:1,B:-100,C:1,JC:1", "B:-100", "negative"},
		{"malformed letters", "A:1,B:1,C:abc,JC:1", "C:abc", "amount"},
		{"three decimals", "A:1.005,B:1,C:1,JC:1", "A:1.005", "amount"},
		{"grouping comma", "A:1 000,B:1,C:1,JC:1", "A:1 000", "amount"},
		{"exponent", "A:1e6,B:1,C:1,JC:1", "A:1e6", "amount"},
		{"empty amount", "A:,B:1,C:1,JC:1", "A:", "amount"},
		{"no colon", "A1000000,B:1,C:1,JC:1", "A1000000", "key:amount"},
		{"empty part", "A:1,,B:1,C:1,JC:1", "", "empty part"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := statemachine.ParseThresholds(tc.in)
			require.Error(t, err)
			assert.ErrorIs(t, err, statemachine.ErrThresholds)
			var te *statemachine.ThresholdsError
			require.ErrorAs(t, err, &te)
			assert.Equal(t, tc.part, te.Part)
			assert.Contains(t, te.Reason, tc.reason)
			assert.Contains(t, err.Error(), `"`+tc.part+`"`)
			assert.Panics(t, func() { statemachine.MustParseThresholds(tc.in) })
		})
	}
}

func TestReportableBoundaries(t *testing.T) {
	type tcase struct {
		category, budget string
		centralized      bool
		want             bool
	}
	var cases []tcase
	for _, cat := range []string{"A02010104", "B0401", "C0203"} {
		cases = append(cases,
			tcase{cat, "999999.99", false, false},
			tcase{cat, "1000000.00", false, true},
			tcase{cat, "1000000.01", false, true},
		)
	}
	cases = append(cases,
		tcase{"A02010104", "0.99", true, false},
		tcase{"A02010104", "1.00", true, true},
		tcase{"C1599", "800000.04", false, false},
		tcase{"A02010104", "320000.00", true, true},
	)
	for _, tc := range cases {
		name := tc.category + "/" + tc.budget
		if tc.centralized {
			name += "/catalogue"
		}
		t.Run(name, func(t *testing.T) {
			got, err := defaultThresholds.Reportable(tc.category, regplatform.MustMoney(tc.budget),
				tc.centralized)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestReportablePerClassLimits(t *testing.T) {
	th := statemachine.MustParseThresholds("A:500000,B:2000000,C:1000000,JC:300000")
	cases := []struct {
		category, budget string
		centralized      bool
		want             bool
	}{
		{"A01", "499999.99", false, false},
		{"A01", "500000.00", false, true},
		{"B01", "1999999.99", false, false},
		{"B01", "2000000.00", false, true},
		{"C01", "999999.99", false, false},
		{"C01", "1000000.00", false, true},
		{"C01", "299999.99", true, false},
		{"C01", "300000.00", true, true},
		{"B01", "300000.00", false, false},
	}
	for _, tc := range cases {
		got, err := th.Reportable(tc.category, regplatform.MustMoney(tc.budget), tc.centralized)
		require.NoError(t, err)
		assert.Equal(t, tc.want, got, "%s %s centralized=%v",
			tc.category, tc.budget, tc.centralized)
	}
}

func TestReportableErrors(t *testing.T) {
	_, err := defaultThresholds.Reportable("D0101", regplatform.MustMoney("1.00"), false)
	assert.ErrorIs(t, err, statemachine.ErrCategoryCode)
	_, err = defaultThresholds.Reportable("", regplatform.MustMoney("1.00"), false)
	assert.ErrorIs(t, err, statemachine.ErrCategoryCode)
	_, err = defaultThresholds.Reportable("a0101", regplatform.MustMoney("1.00"), false)
	assert.ErrorIs(t, err, statemachine.ErrCategoryCode)
	_, err = defaultThresholds.Reportable("A0101", regplatform.Money{}, false)
	assert.ErrorIs(t, err, statemachine.ErrThresholds)
	_, err = statemachine.Thresholds{}.Reportable("A0101", regplatform.MustMoney("1.00"), false)
	assert.ErrorIs(t, err, statemachine.ErrThresholds)
}

func TestCategoryClass(t *testing.T) {
	for code, want := range map[string]string{"A02010104": "A", "B0401": "B", "C0203": "C"} {
		got, err := statemachine.CategoryClass(code)
		require.NoError(t, err)
		assert.Equal(t, want, got)
	}
}
