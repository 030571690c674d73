package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/zcbridge/zcbridge/examples/internal/campus"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	sm "github.com/zcbridge/zcbridge/statemachine"
)

// report prints the final table of every record, the packages and awards of
// every plan, and what the two receivers got.
func report(ctx context.Context, out io.Writer, db *campus.DB, sinks ...*receiver) error {
	fmt.Fprintln(out, "\nfinal state of every record:")
	var tw table
	tw.add("flow", "source_id", "rev", "status", "URL, plan no. or reason")
	var plans []campus.Record
	for _, flow := range []regplatform.Flow{
		regplatform.FlowIntention, regplatform.FlowSingleSource, regplatform.FlowPlan,
	} {
		rows, err := db.All(ctx, flow)
		if err != nil {
			return err
		}
		for _, r := range rows {
			tw.add(string(r.Flow), r.SourceID, fmt.Sprint(r.Revision), statusLabel(r), detail(r))
			if flow == regplatform.FlowPlan {
				plans = append(plans, r)
			}
		}
	}
	tw.print(out, "  ")

	for _, r := range plans {
		if err := planResults(out, r); err != nil {
			return err
		}
	}

	fmt.Fprintln(out)
	for _, s := range sinks {
		fmt.Fprintf(out, "%s received %d publications\n", s.name, s.count())
	}
	return nil
}

// planResults prints the packages (一标多包) of one plan as recorded.
func planResults(out io.Writer, r campus.Record) error {
	if r.Results == "" {
		return nil
	}
	var u poll.ResultsUpdate
	if err := json.Unmarshal([]byte(r.Results), &u); err != nil {
		return fmt.Errorf("plan %s: decode results: %w", r.SourceID, err)
	}
	fmt.Fprintf(out, "\nplan %s (%s, %s) %s: %s\n", r.SourceID, r.PlanNo, u.BusinessType,
		businessLabel(u.BusinessType), u.Status)
	var tw table
	for _, p := range u.Packages {
		tw.add("包"+p.PackageNo, p.Name, string(p.Status), p.BudgetAmount.String(), awards(p))
	}
	tw.print(out, "  ")
	return nil
}

func awards(p poll.PackageResult) string {
	if len(p.Awards) == 0 {
		return p.Reason
	}
	parts := make([]string, 0, len(p.Awards))
	for _, a := range p.Awards {
		s := a.SupplierName + " " + a.AwardAmount.String()
		if a.OrderNo != "" {
			s += " order " + a.OrderNo
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, "; ")
}

func businessLabel(t regplatform.BusinessType) string {
	switch t {
	case regplatform.BusinessMall:
		return "电子卖场"
	case regplatform.BusinessETrade:
		return "电子化交易"
	}
	return ""
}

// statusLabel shows a record's status as the campus screens do.
func statusLabel(r campus.Record) string {
	switch r.Flow {
	case regplatform.FlowIntention:
		return sm.IntentionState(r.Status).Label()
	case regplatform.FlowSingleSource:
		return sm.SingleSourceState(r.Status).Label()
	}
	if l := sm.ResultState(r.Status).Label(); l != "" && r.Status != string(sm.ResultExecuting) {
		return l
	}
	return sm.PlanState(r.Status).Label()
}

func detail(r campus.Record) string {
	switch {
	case r.Flow == regplatform.FlowPlan && r.PlanNo != "":
		return r.PlanNo
	case r.URL != "":
		return r.URL
	}
	return r.Reason
}
