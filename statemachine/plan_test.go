package statemachine_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

func lines(pairs ...string) []statemachine.BudgetLine {
	var out []statemachine.BudgetLine
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, statemachine.BudgetLine{
			CategoryCode: pairs[i], Amount: regplatform.MustMoney(pairs[i+1]),
		})
	}
	return out
}

func planApproval(
	budget string, centralized bool, l []statemachine.BudgetLine,
) statemachine.PlanApproval {
	return statemachine.PlanApproval{
		Thresholds:  defaultThresholds,
		Budget:      regplatform.MustMoney(budget),
		Centralized: centralized,
		Lines:       l,
	}
}

func TestPlanFlow(t *testing.T) {
	flowSpec[statemachine.PlanState, statemachine.PlanEvent]{
		machine: statemachine.Plan,
		parseS:  statemachine.ParsePlanState,
		parseE:  statemachine.ParsePlanEvent,
		states:  []string{"采购方式审核", "采购计划申报", "采购计划申报中", "采购监管平台执行中", "无需备案"},
		events:  []string{"审核通过", "返回用户修改参数", "推往采购监管平台", "备案成功", "备案失败"},
		rows: []flowRow{
			{from: "采购方式审核", event: "审核通过", to: "采购计划申报",
				facts: planApproval("1000000.00", false, lines("A01", "1000000.00"))},
			{from: "采购方式审核", event: "审核通过", to: "无需备案",
				facts: planApproval("999999.99", false, lines("A01", "999999.99"))},
			{from: "采购计划申报", event: "返回用户修改参数", to: "采购方式审核"},
			{from: "采购计划申报", event: "推往采购监管平台", to: "采购计划申报中"},
			{from: "采购计划申报中", event: "备案成功", to: "采购监管平台执行中"},
			{from: "采购计划申报中", event: "备案失败", to: "采购计划申报", bump: true},
		},
	}.check(t)
}

func TestPlanStateNodesAndAliases(t *testing.T) {
	assert.Equal(t, "政府采购计划申报", statemachine.PlanDeclaration.Node())
	assert.Equal(t, "政府采购计划申报中", statemachine.PlanDeclaring.Node())
	assert.Equal(t, "采购方式审核", statemachine.PlanMethodReview.Node())
	for text, want := range map[string]statemachine.PlanState{
		"计划申报":      statemachine.PlanDeclaration,
		"政府采购计划申报":  statemachine.PlanDeclaration,
		"政府采购计划申报中": statemachine.PlanDeclaring,
		"declaring": statemachine.PlanDeclaring,
	} {
		got, err := statemachine.ParsePlanState(text)
		require.NoError(t, err, text)
		assert.Equal(t, want, got, text)
	}
}

func TestPlanReportableLargestShare(t *testing.T) {
	cases := []struct {
		name        string
		budget      string
		centralized bool
		lines       []statemachine.BudgetLine
		limits      string
		want        bool
	}{
		{"single class at limit", "1000000.00", false, lines("A01", "1000000.00"), "", true},
		{"single class below", "999999.99", false, lines("C01", "999999.99"), "", false},
		{"catalogue item, tiny budget", "321.00", true, lines("A01", "321.00"), "", true},
		{"catalogue item below JC", "321.00", true, lines("A01", "321.00"),
			"A:1000000,B:1000000,C:1000000,JC:500", false},
		// B holds the largest share, so B's limit decides, though the budget
		// reaches A's.
		{"largest share decides: B", "1500000.00", false,
			lines("A01", "600000.00", "B01", "900000.00"),
			"A:1000000,B:2000000,C:1000000,JC:1", false},
		{"largest share decides: A", "1500000.00", false,
			lines("A01", "900000.00", "B01", "600000.00"),
			"A:1000000,B:2000000,C:1000000,JC:1", true},
		{"shares summed over lines", "1500000.00", false,
			lines("B01", "700000.00", "A01", "400000.00", "A02", "400000.00"),
			"A:1000000,B:2000000,C:1000000,JC:1", true},
		{"tie takes the lower limit", "1000000.00", false,
			lines("A01", "500000.00", "B01", "500000.00"),
			"A:3000000,B:1000000,C:1000000,JC:1", true},
		{"tie below both", "1000000.00", false,
			lines("A01", "500000.00", "B01", "500000.00"),
			"A:3000000,B:2000000,C:1000000,JC:1", false},
		{"boundary 999999.99 with C dominant", "999999.99", false,
			lines("C01", "600000.00", "A01", "399999.99"), "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			th := defaultThresholds
			if tc.limits != "" {
				th = statemachine.MustParseThresholds(tc.limits)
			}
			budget := regplatform.MustMoney(tc.budget)
			got, err := th.PlanReportable(budget, tc.centralized, tc.lines)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)

			facts := planApproval(tc.budget, tc.centralized, tc.lines)
			facts.Thresholds = th
			to, err := statemachine.Plan.Fire(statemachine.PlanMethodReview,
				statemachine.PlanEventApprove, facts)
			require.NoError(t, err)
			if tc.want {
				assert.Equal(t, statemachine.PlanDeclaration, to)
			} else {
				assert.Equal(t, statemachine.PlanNotRequired, to)
			}
		})
	}
}

func TestDominantClasses(t *testing.T) {
	got, err := statemachine.DominantClasses(lines("C01", "1.00", "B01", "2.00", "A01", "2.00"))
	require.NoError(t, err)
	assert.Equal(t, []string{"A", "B"}, got)

	_, err = statemachine.DominantClasses(nil)
	assert.ErrorIs(t, err, statemachine.ErrNoBudgetLines)
	_, err = statemachine.DominantClasses(lines("A01", "1.00", "X9", "1.00"))
	assert.ErrorIs(t, err, statemachine.ErrCategoryCode)
	assert.Contains(t, err.Error(), "line 2")
}

func TestPlanApprovalRefusals(t *testing.T) {
	cases := []struct {
		name  string
		facts statemachine.PlanApproval
		want  error
	}{
		{"no lines", planApproval("1.00", false, nil), statemachine.ErrNoBudgetLines},
		{"bad category", planApproval("1.00", false, lines("Z1", "1.00")),
			statemachine.ErrCategoryCode},
		{"no thresholds", statemachine.PlanApproval{
			Budget: regplatform.MustMoney("1.00"), Lines: lines("A1", "1.00"),
		}, statemachine.ErrThresholds},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := statemachine.Plan.Fire(statemachine.PlanMethodReview,
				statemachine.PlanEventApprove, tc.facts)
			assert.ErrorIs(t, err, tc.want)
			assert.ErrorIs(t, err, &statemachine.ErrGuardRefused{Machine: "plan"})
		})
	}
}

// TestPlanFixtures checks the sample plans: the two with catalogue items and
// the 3 970 001.00 plan, mostly class A, must all be filed.
func TestPlanFixtures(t *testing.T) {
	plans := fixtures.Plans()
	require.Len(t, plans, 3)
	for _, p := range plans {
		t.Run(p.SourceID, func(t *testing.T) {
			facts := statemachine.NewPlanApproval(defaultThresholds, &p)
			require.NotEmpty(t, facts.Lines)
			to, err := statemachine.Plan.Fire(statemachine.PlanMethodReview,
				statemachine.PlanEventApprove, facts)
			require.NoError(t, err)
			assert.Equal(t, statemachine.PlanDeclaration, to)
		})
	}

	big := plans[1]
	require.Equal(t, "202611150021", big.SourceID)
	require.False(t, big.Centralized)
	classes, err := statemachine.DominantClasses(statemachine.PlanBudgetLines(&big))
	require.NoError(t, err)
	assert.Equal(t, []string{"A"}, classes)
	strict := statemachine.MustParseThresholds("A:3970001.01,B:1,C:1,JC:1")
	must, err := strict.PlanReportable(big.BudgetAmount, big.Centralized,
		statemachine.PlanBudgetLines(&big))
	require.NoError(t, err)
	assert.False(t, must, "one cent below the A limit")
}
