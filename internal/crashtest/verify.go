package crashtest

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// Row is one record of the host as the checks read it.
type Row struct {
	Flow      regplatform.Flow
	SourceID  string
	Revision  int
	Status    string
	FailFirst bool
	Reason    string
}

// Effect names one status change caused by an outcome.
type Effect struct {
	Flow     regplatform.Flow
	SourceID string
	Revision int
	Outcome  poll.OutcomeKind
}

// String names the effect as "flow source_id/revision outcome".
func (e Effect) String() string {
	return fmt.Sprintf("%s %s/%d %s", e.Flow, e.SourceID, e.Revision, e.Outcome)
}

// Rows returns every record, by flow and source_id.
func (h *Host) Rows(ctx context.Context) ([]Row, error) {
	rows, err := h.pool.Query(ctx, h.sql(`SELECT flow, source_id, revision, status,
		fail_first, reason FROM {records} ORDER BY flow, source_id`))
	if err != nil {
		return nil, fmt.Errorf("crashtest: read records: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Row, error) {
		var x Row
		var f string
		err := r.Scan(&f, &x.SourceID, &x.Revision, &x.Status, &x.FailFirst, &x.Reason)
		x.Flow = regplatform.Flow(f)
		return x, err
	})
	if err != nil {
		return nil, fmt.Errorf("crashtest: read records: %w", err)
	}
	return out, nil
}

// Done reports whether row has reached its flow's status of success at the
// revision it should end on: 2 for a record refused first, else 1.
func (h *Host) Done(row Row) bool {
	return row.Status == h.flows[row.Flow].done() && row.Revision == finalRevision(row)
}

// Label returns the Chinese status of row.
func (h *Host) Label(row Row) string { return h.flows[row.Flow].label(row.Status) }

func finalRevision(row Row) int {
	if row.FailFirst {
		return 2
	}
	return 1
}

// effectCounts reads the table named by query into counts per effect.
func (h *Host) effectCounts(ctx context.Context, query string) (map[Effect]int, error) {
	rows, err := h.pool.Query(ctx, h.sql(query))
	if err != nil {
		return nil, fmt.Errorf("crashtest: read effects: %w", err)
	}
	out := map[Effect]int{}
	var (
		e    Effect
		f, o string
		n    int
	)
	_, err = pgx.ForEachRow(rows, []any{&f, &e.SourceID, &e.Revision, &o, &n}, func() error {
		e.Flow, e.Outcome = regplatform.Flow(f), poll.OutcomeKind(o)
		out[e] += n
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("crashtest: read effects: %w", err)
	}
	return out, nil
}

// Effects returns how many times each effect was recorded.
func (h *Host) Effects(ctx context.Context) (map[Effect]int, error) {
	return h.effectCounts(ctx, `SELECT flow, source_id, revision, outcome, count(*)
		FROM {effects} GROUP BY 1, 2, 3, 4`)
}

// Deliveries returns how many times each outcome was handed to Apply.
func (h *Host) Deliveries(ctx context.Context) (map[Effect]int, error) {
	return h.effectCounts(ctx, `SELECT flow, source_id, revision, outcome, delivered
		FROM {deliveries}`)
}

// Conflicts returns the effects that were about to happen a second time.
func (h *Host) Conflicts(ctx context.Context) (map[Effect]int, error) {
	return h.effectCounts(ctx, `SELECT flow, source_id, revision, outcome, count(*)
		FROM {conflicts} GROUP BY 1, 2, 3, 4`)
}

// Expected returns the effects row should have caused once it is done.
func (h *Host) Expected(row Row) []Effect {
	success, refusal := poll.OutcomePublished, poll.OutcomeFailed
	if row.Flow == regplatform.FlowPlan {
		success, refusal = poll.OutcomeFiled, poll.OutcomeRejected
	}
	e := func(rev int, k poll.OutcomeKind) Effect {
		return Effect{Flow: row.Flow, SourceID: row.SourceID, Revision: rev, Outcome: k}
	}
	if row.FailFirst {
		return []Effect{e(1, refusal), e(2, success)}
	}
	return []Effect{e(1, success)}
}

// Verdict is the outcome of Verify: every broken invariant, in words, and
// what was counted on the way.
type Verdict struct {
	Problems []string
	// Records, Effects and Deliveries count records, effects recorded and
	// Apply calls; Repeated is Deliveries beyond the first of each outcome.
	Records, Effects, Deliveries, Repeated int
}

// Verify checks the end state of a run: every record done; each expected
// effect recorded exactly once and no other; no effect attempted twice; no
// request found invalid; and, from the platform's AcceptedCounts, each
// expected revision accepted exactly once and no other. store, when not
// nil, explains the records that are not done.
func (h *Host) Verify(ctx context.Context, accepted map[mock.AcceptKey]int,
	store poll.IdempotencyStore) (Verdict, error) {
	var v Verdict
	rows, err := h.Rows(ctx)
	if err != nil {
		return v, err
	}
	effects, err := h.Effects(ctx)
	if err != nil {
		return v, err
	}
	deliveries, err := h.Deliveries(ctx)
	if err != nil {
		return v, err
	}
	conflicts, err := h.Conflicts(ctx)
	if err != nil {
		return v, err
	}
	v.Records = len(rows)

	wantEffects := map[Effect]bool{}
	wantAccepted := map[mock.AcceptKey]bool{}
	for _, row := range rows {
		if !h.Done(row) {
			v.Problems = append(v.Problems, "not done: "+h.stuck(ctx, row, store))
		}
		for _, e := range h.Expected(row) {
			wantEffects[e] = true
			wantAccepted[mock.AcceptKey{Flow: e.Flow, SourceID: e.SourceID,
				Revision: e.Revision}] = true
		}
	}

	for _, e := range sortedKeys(wantEffects) {
		if n := effects[e]; n != 1 {
			v.Problems = append(v.Problems, fmt.Sprintf("effect %s recorded %d times", e, n))
		}
	}
	for _, e := range sortedKeys(effects) {
		v.Effects += effects[e]
		if !wantEffects[e] {
			v.Problems = append(v.Problems, fmt.Sprintf("unexpected effect %s", e))
		}
	}
	for _, e := range sortedKeys(conflicts) {
		v.Problems = append(v.Problems, fmt.Sprintf("effect %s attempted again %d times",
			e, conflicts[e]))
	}
	for _, e := range sortedKeys(deliveries) {
		n := deliveries[e]
		v.Deliveries += n
		v.Repeated += n - 1
		if e.Outcome == poll.OutcomeInvalid {
			v.Problems = append(v.Problems, fmt.Sprintf("request found invalid %d times: %s",
				n, e))
		}
	}

	for _, k := range sortedAcceptKeys(wantAccepted, accepted) {
		n := accepted[k]
		switch {
		case !wantAccepted[k]:
			v.Problems = append(v.Problems, fmt.Sprintf("platform accepted unexpected %s %s/%d "+
				"%d times", k.Flow, k.SourceID, k.Revision, n))
		case n != 1:
			v.Problems = append(v.Problems, fmt.Sprintf("platform accepted %s %s/%d %d times",
				k.Flow, k.SourceID, k.Revision, n))
		}
	}
	return v, nil
}

// stuck describes a record that is not done, with its push entry.
func (h *Host) stuck(ctx context.Context, row Row, store poll.IdempotencyStore) string {
	s := fmt.Sprintf("%s %s revision %d is %s (%s), want %s at revision %d", row.Flow,
		row.SourceID, row.Revision, h.Label(row), row.Status, h.flows[row.Flow].done(),
		finalRevision(row))
	if row.Reason != "" {
		s += ", reason " + row.Reason
	}
	if store == nil {
		return s
	}
	key := poll.Key{Flow: string(row.Flow), SourceID: row.SourceID, Revision: row.Revision}
	e, ok, err := store.Get(ctx, key)
	switch {
	case err != nil:
		return s + "; entry unreadable: " + err.Error()
	case !ok:
		return s + "; no push entry"
	}
	return fmt.Sprintf("%s; entry %s owner %s lease until %s attempts %d last error %q", s,
		e.State, e.Owner, e.LeaseUntil.Format("15:04:05.000"), e.Attempts, e.LastError)
}

func sortedKeys[V any](m map[Effect]V) []Effect {
	out := make([]Effect, 0, len(m))
	for e := range m {
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Effect) int {
		return cmp.Or(cmp.Compare(a.Flow, b.Flow), cmp.Compare(a.SourceID, b.SourceID),
			cmp.Compare(a.Revision, b.Revision), cmp.Compare(a.Outcome, b.Outcome))
	})
	return out
}

// sortedAcceptKeys returns the keys of both maps, sorted.
func sortedAcceptKeys(want map[mock.AcceptKey]bool, got map[mock.AcceptKey]int) []mock.AcceptKey {
	seen := map[mock.AcceptKey]bool{}
	for k := range want {
		seen[k] = true
	}
	for k := range got {
		seen[k] = true
	}
	out := make([]mock.AcceptKey, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b mock.AcceptKey) int {
		return cmp.Or(cmp.Compare(a.Flow, b.Flow), cmp.Compare(a.SourceID, b.SourceID),
			cmp.Compare(a.Revision, b.Revision))
	})
	return out
}
