package statemachine_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/internal/fixtures"
	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

const validCode = "914403001922038216"

var defaultThresholds = statemachine.MustParseThresholds("A:1000000,B:1000000,C:1000000,JC:1")

func approval(category, budget string, centralized bool) statemachine.SingleSourceApproval {
	return statemachine.SingleSourceApproval{
		Thresholds:   defaultThresholds,
		CategoryCode: category,
		Budget:       regplatform.MustMoney(budget),
		Centralized:  centralized,
		CreditCode:   validCode,
		Supplier:     &statemachine.LibrarySupplier{ID: "S1", Name: "供应商", CreditCode: validCode},
	}
}

func TestSingleSourceFlow(t *testing.T) {
	deadline := time.Date(2026, 12, 1, 23, 59, 59, 0, time.UTC)
	flowSpec[statemachine.SingleSourceState, statemachine.SingleSourceEvent]{
		machine: statemachine.SingleSource,
		parseS:  statemachine.ParseSingleSourceState,
		parseE:  statemachine.ParseSingleSourceEvent,
		states: []string{"待发布单一来源公示", "单一来源公示审批中", "采购监管平台单一来源公示",
			"单一来源公示发布中", "校内单一来源公示", "单一来源公示结束"},
		events: []string{"提交审批", "审批通过", "审批驳回", "平台发布成功", "平台发布失败", "公示期满"},
		rows: []flowRow{
			{from: "待发布单一来源公示", event: "提交审批", to: "单一来源公示审批中"},
			{from: "单一来源公示审批中", event: "审批通过", to: "采购监管平台单一来源公示",
				facts: approval("C0203", "1000000.00", false)},
			{from: "单一来源公示审批中", event: "审批通过", to: "校内单一来源公示",
				facts: approval("C0203", "999999.99", false)},
			{from: "单一来源公示审批中", event: "审批驳回", to: "待发布单一来源公示"},
			{from: "采购监管平台单一来源公示", event: "平台发布成功", to: "单一来源公示发布中"},
			{from: "采购监管平台单一来源公示", event: "平台发布失败", to: "待发布单一来源公示",
				bump: true},
			{from: "单一来源公示发布中", event: "公示期满", to: "单一来源公示结束",
				facts: statemachine.PublicityDeadline{
					Now: deadline.Add(time.Second), Deadline: deadline,
				}},
		},
	}.check(t)
}

func TestSingleSourceApprovalBranches(t *testing.T) {
	cases := []struct {
		name  string
		facts statemachine.SingleSourceApproval
		want  statemachine.SingleSourceState
	}{
		{"A at limit", approval("A02100599", "1000000.00", false),
			statemachine.SingleSourceAwaitingPlatform},
		{"A below limit", approval("A02100599", "999999.99", false),
			statemachine.SingleSourceCampus},
		{"catalogue item below class limit", approval("A02010104", "320000.00", true),
			statemachine.SingleSourceAwaitingPlatform},
		{"B at limit", approval("B0401", "1000000.00", false),
			statemachine.SingleSourceAwaitingPlatform},
		{"C below limit", approval("C1599", "800000.04", false), statemachine.SingleSourceCampus},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := statemachine.SingleSource.Fire(statemachine.SingleSourceApproving,
				statemachine.SingleSourceEventApprove, tc.facts)
			require.NoError(t, err)
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestSingleSourceApprovalRefusals(t *testing.T) {
	noEntry := approval("C0203", "1000000.00", false)
	noEntry.Supplier = nil
	badLibraryCode := approval("C0203", "1000000.00", false)
	badLibraryCode.Supplier.CreditCode = "914403001922038217"
	badLibraryCode.CreditCode = "914403001922038217"
	otherCode := approval("C0203", "500.00", false)
	otherCode.CreditCode = "9144030071526726XG"
	badCategory := approval("D01", "1000000.00", false)
	noThresholds := approval("C0203", "1000000.00", false)
	noThresholds.Thresholds = statemachine.Thresholds{}

	cases := []struct {
		name  string
		facts any
		want  error
	}{
		{"supplier not in library", noEntry, statemachine.ErrSupplierIneligible},
		{"library code fails the check", badLibraryCode, regplatform.ErrInvalidCreditCode},
		{"notice code differs from library", otherCode, statemachine.ErrSupplierIneligible},
		{"category without class", badCategory, statemachine.ErrCategoryCode},
		{"thresholds not configured", noThresholds, statemachine.ErrThresholds},
		{"facts of another flow", statemachine.PlanApproval{}, statemachine.ErrFactsType},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			to, err := statemachine.SingleSource.Fire(statemachine.SingleSourceApproving,
				statemachine.SingleSourceEventApprove, tc.facts)
			assert.Empty(t, to)
			var gr *statemachine.ErrGuardRefused
			require.ErrorAs(t, err, &gr)
			if tc.want != statemachine.ErrFactsType {
				assert.Len(t, gr.Reasons, 1, "both branches refuse for the same reason")
			}
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), "审批通过")
			assert.Contains(t, err.Error(), "单一来源公示审批中")
		})
	}

	_, err := statemachine.SingleSource.Fire(statemachine.SingleSourceApproving,
		statemachine.SingleSourceEventApprove, noEntry)
	assert.Contains(t, err.Error(), statemachine.SupplierRule, "the error names the supplier rule")
	var se *statemachine.SupplierError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, validCode, se.CreditCode)
}

func at(now, deadline time.Time) statemachine.PublicityDeadline {
	return statemachine.PublicityDeadline{Now: now, Deadline: deadline}
}

func TestSingleSourcePublicityEnded(t *testing.T) {
	deadline, err := regplatform.ParseTime("2026-12-01 23:59:59")
	require.NoError(t, err)
	cases := []struct {
		name  string
		facts statemachine.PublicityDeadline
		ok    bool
	}{
		{"before", at(deadline.Add(-time.Hour), deadline.Time), false},
		{"at the deadline", at(deadline.Time, deadline.Time), false},
		{"one second after", at(deadline.Add(time.Second), deadline.Time), true},
		{"deadline unknown", at(deadline.Time, time.Time{}), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := statemachine.SingleSource.Fire(statemachine.SingleSourcePublicity,
				statemachine.SingleSourceEventPublicityEnded, tc.facts)
			if tc.ok {
				require.NoError(t, err)
				assert.Equal(t, statemachine.SingleSourceEnded, got)
				return
			}
			assert.ErrorIs(t, err, statemachine.ErrPublicityRunning)
			assert.ErrorIs(t, err, &statemachine.ErrGuardRefused{Event: "publicity_ended"})
		})
	}
}

// library is a supplier library over a map keyed by id and by credit code.
func library(entries ...statemachine.LibrarySupplier) statemachine.SupplierLibrary {
	return statemachine.SupplierLibraryFunc(
		func(_ context.Context, ref statemachine.SupplierRef) (
			statemachine.LibrarySupplier, error,
		) {
			for _, e := range entries {
				byID := ref.ID != "" && e.ID == ref.ID
				byCode := ref.ID == "" && e.CreditCode == ref.CreditCode
				if byID || byCode {
					return e, nil
				}
			}
			return statemachine.LibrarySupplier{}, statemachine.ErrSupplierNotFound
		})
}

// TestSingleSourceFixtures runs the sample notices through approval: the two
// at or above the limit and the catalogue item go to the platform, the
// 800 000.04 services notice stays on campus.
func TestSingleSourceFixtures(t *testing.T) {
	notices := fixtures.Notices()
	require.Len(t, notices, 4)
	var entries []statemachine.LibrarySupplier
	for _, n := range notices {
		entries = append(entries, statemachine.LibrarySupplier{
			ID:         n.SourceID + "-supplier",
			Name:       n.Supplier.Name,
			CreditCode: n.Supplier.CreditCode,
		})
	}
	lib := library(entries...)
	want := map[string]statemachine.SingleSourceState{
		"DY2026000101": statemachine.SingleSourceAwaitingPlatform,
		"DY2026000102": statemachine.SingleSourceAwaitingPlatform,
		"DY2026000103": statemachine.SingleSourceCampus,
		"DY2026000104": statemachine.SingleSourceAwaitingPlatform,
	}
	for _, n := range notices {
		t.Run(n.SourceID, func(t *testing.T) {
			facts, err := statemachine.NewSingleSourceApproval(context.Background(),
				defaultThresholds, lib, &n, "")
			require.NoError(t, err)
			require.NotNil(t, facts.Supplier)
			got, err := statemachine.SingleSource.Fire(statemachine.SingleSourceApproving,
				statemachine.SingleSourceEventApprove, &facts)
			require.NoError(t, err)
			assert.Equal(t, want[n.SourceID], got)

			// By library id as well.
			facts, err = statemachine.NewSingleSourceApproval(context.Background(),
				defaultThresholds, lib, &n, n.SourceID+"-supplier")
			require.NoError(t, err)
			require.NotNil(t, facts.Supplier)
			assert.Equal(t, n.Supplier.CreditCode, facts.Supplier.CreditCode)
		})
	}
}

func TestNewSingleSourceApprovalLookup(t *testing.T) {
	n := fixtures.Notices()[0]

	facts, err := statemachine.NewSingleSourceApproval(context.Background(),
		defaultThresholds, library(), &n, "")
	require.NoError(t, err, "a missing supplier is for the guard to refuse")
	assert.Nil(t, facts.Supplier)

	down := errors.New("library offline")
	failing := statemachine.SupplierLibraryFunc(
		func(context.Context, statemachine.SupplierRef) (statemachine.LibrarySupplier, error) {
			return statemachine.LibrarySupplier{}, down
		})
	_, err = statemachine.NewSingleSourceApproval(context.Background(),
		defaultThresholds, failing, &n, "")
	assert.ErrorIs(t, err, down)
	assert.NotErrorIs(t, err, statemachine.ErrSupplierIneligible)
}
