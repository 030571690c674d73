package campus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

// labelled is a flow's state or event type: an English name with a Chinese
// label.
type labelled interface {
	~string
	Label() string
}

// flow is one push flow over the records table: the machine that moves its
// statuses, the status the engine waits on, and the events the platform's
// outcomes fire.
type flow[S, E labelled, R any] struct {
	db      *DB
	name    regplatform.Flow
	machine *statemachine.Machine[S, E]
	waiting S
	// outcomes maps a platform outcome to the event it fires.
	outcomes map[poll.OutcomeKind]E
	// details picks the columns an outcome writes.
	details func(poll.Outcome) map[string]string
	// request decodes the stored request and stamps the revision on it.
	request func(body []byte, revision int) (poll.Request, error)
}

// Pending lists the records waiting for the platform, one keyset page.
func (f *flow[S, E, R]) Pending(ctx context.Context, after string,
	limit int) ([]poll.Record, error) {
	rows, err := f.db.inStatus(ctx, f.name, string(f.waiting), after, limit)
	if err != nil {
		return nil, err
	}

	out := make([]poll.Record, 0, len(rows))
	for _, r := range rows {
		req, err := f.request(r.Request, r.Revision)
		if err != nil {
			return nil, fmt.Errorf("campus: %s %s: %w", f.name, r.SourceID, err)
		}
		out = append(out, poll.Record{SourceID: r.SourceID, Revision: r.Revision, Request: req})
	}
	return out, nil
}

// Apply moves a record as the platform's outcome says. An outcome for a
// record that is no longer waiting at that revision was applied before (or
// is stale), and is ignored: that is what makes applying twice harmless.
func (f *flow[S, E, R]) Apply(ctx context.Context, o poll.Outcome) error {
	if o.Kind == poll.OutcomeInvalid {
		return f.noteInvalid(ctx, o)
	}
	event, ok := f.outcomes[o.Kind]
	if !ok {
		return fmt.Errorf("campus: %s: no event for outcome %s", f.name, o.Kind)
	}

	r, err := f.db.Get(ctx, f.name, o.SourceID)
	if err != nil {
		return err
	}
	if r.Revision != o.Revision || r.Status != string(f.waiting) {
		return nil
	}
	_, err = f.fire(ctx, r, event, nil, f.details(o))
	return err
}

// fire runs event on r with the flow's machine and writes the result with a
// compare-and-set. It reports whether this call changed the record.
func (f *flow[S, E, R]) fire(ctx context.Context, r Record, event E, facts any,
	set map[string]string) (bool, error) {
	from := S(r.Status)
	to, err := f.machine.Fire(from, event, facts)
	if err != nil {
		return false, fmt.Errorf("campus: %s %s: %w", f.name, r.SourceID, err)
	}
	u := update{
		from: r.Status, to: string(to), revision: r.Revision,
		nextRevision: f.machine.BumpsRevision(from, event), set: set,
	}

	changed, err := f.db.swap(ctx, f.name, r.SourceID, u)
	if err != nil || !changed {
		return false, err
	}
	f.db.notify(Change{
		Flow: f.name, SourceID: r.SourceID, Revision: r.Revision, NextRevision: u.nextRevision,
		From: from.Label(), To: to.Label(), Cause: event.Label(), Detail: detailOf(set),
	})
	return true, nil
}

// Fire runs a clerk's event on the record named by sourceID.
func (f *flow[S, E, R]) Fire(ctx context.Context, sourceID string, event E,
	facts any) error {
	r, err := f.db.Get(ctx, f.name, sourceID)
	if err != nil {
		return err
	}
	changed, err := f.fire(ctx, r, event, facts, nil)
	if err == nil && !changed {
		return fmt.Errorf("campus: %s %s changed meanwhile", f.name, sourceID)
	}
	return err
}

// Edit rewrites a record's stored request with edit, as the clerk's 修改
// screen would, firing event (a self-loop such as 修改) so that the flow's
// table decides whether editing is allowed now.
func (f *flow[S, E, R]) Edit(ctx context.Context, sourceID string, event E,
	edit func(*R)) error {
	r, err := f.db.Get(ctx, f.name, sourceID)
	if err != nil {
		return err
	}
	body, err := f.edited(r, edit)
	if err != nil {
		return err
	}
	_, err = f.fire(ctx, r, event, nil, map[string]string{"request": body})
	return err
}

// rewrite stores an edited request without a status change, with a
// compare-and-set on the record's status and revision.
func (f *flow[S, E, R]) rewrite(ctx context.Context, r Record, edit func(*R)) error {
	body, err := f.edited(r, edit)
	if err != nil {
		return err
	}
	u := update{from: r.Status, to: r.Status, revision: r.Revision,
		set: map[string]string{"request": body}}
	changed, err := f.db.swap(ctx, f.name, r.SourceID, u)
	if err == nil && !changed {
		return fmt.Errorf("campus: %s %s changed meanwhile", f.name, r.SourceID)
	}
	return err
}

func (f *flow[S, E, R]) edited(r Record, edit func(*R)) (string, error) {
	var req R
	if err := json.Unmarshal(r.Request, &req); err != nil {
		return "", fmt.Errorf("campus: %s %s: decode request: %w", f.name, r.SourceID, err)
	}
	edit(&req)
	body, err := json.Marshal(&req)
	if err != nil {
		return "", fmt.Errorf("campus: %s %s: encode request: %w", f.name, r.SourceID, err)
	}
	return string(body), nil
}

func (f *flow[S, E, R]) noteInvalid(ctx context.Context, o poll.Outcome) error {
	r, err := f.db.Get(ctx, f.name, o.SourceID)
	if err != nil {
		return err
	}
	reason := "校验失败"
	if o.Err != nil {
		reason = o.Err.Error()
	}
	_, err = f.db.db.ExecContext(ctx,
		`UPDATE records SET reason = ? WHERE flow = ? AND source_id = ? AND revision = ?`,
		reason, string(f.name), r.SourceID, r.Revision)
	if err != nil {
		return fmt.Errorf("campus: %s %s: note invalid request: %w", f.name, o.SourceID, err)
	}
	return nil
}

// decodeAs returns a request decoder for the push type R.
func decodeAs[R any, P interface {
	*R
	poll.Request
}](stamp func(P, int)) func([]byte, int) (poll.Request, error) {
	return func(body []byte, revision int) (poll.Request, error) {
		p := P(new(R))
		if err := json.Unmarshal(body, p); err != nil {
			return nil, fmt.Errorf("decode request: %w", err)
		}
		stamp(p, revision)
		return p, nil
	}
}

func (d *DB) notify(c Change) {
	if d.onChange == nil {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.onChange(c)
}

func detailOf(set map[string]string) string {
	for _, col := range []string{"reason", "url", "plan_no"} {
		if v := set[col]; v != "" {
			return v
		}
	}
	return ""
}

// ErrNotEditable is returned when a record is edited in a status that does
// not allow it.
var ErrNotEditable = errors.New("campus: record cannot be edited in its status")
