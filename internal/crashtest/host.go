package crashtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/zcbridge/zcbridge/poll"
	"github.com/zcbridge/zcbridge/regplatform"
)

// hostSchema is the campus system's side of the test. records holds each
// record's business status; effects holds one row per status change an
// outcome caused, and its unique key is what proves each effect happened
// once; deliveries counts every Apply call, repeated deliveries included;
// conflicts keeps an effect that was about to happen a second time.
const hostSchema = `
CREATE TABLE IF NOT EXISTS {records} (
	flow        text    NOT NULL,
	source_id   text    COLLATE "C" NOT NULL,
	revision    integer NOT NULL,
	status      text    NOT NULL,
	request     text    NOT NULL,
	fail_first  boolean NOT NULL,
	reason      text    NOT NULL DEFAULT '',
	platform_id text    NOT NULL DEFAULT '',
	PRIMARY KEY (flow, source_id)
);
CREATE TABLE IF NOT EXISTS {effects} (
	flow       text        NOT NULL,
	source_id  text        NOT NULL,
	revision   integer     NOT NULL,
	outcome    text        NOT NULL,
	applied_by text        NOT NULL,
	applied_at timestamptz NOT NULL,
	UNIQUE (flow, source_id, revision, outcome)
);
CREATE TABLE IF NOT EXISTS {deliveries} (
	flow      text    NOT NULL,
	source_id text    NOT NULL,
	revision  integer NOT NULL,
	outcome   text    NOT NULL,
	delivered integer NOT NULL,
	PRIMARY KEY (flow, source_id, revision, outcome)
);
CREATE TABLE IF NOT EXISTS {conflicts} (
	flow       text        NOT NULL,
	source_id  text        NOT NULL,
	revision   integer     NOT NULL,
	outcome    text        NOT NULL,
	applied_by text        NOT NULL,
	at         timestamptz NOT NULL
);`

// Host is the campus procurement system of the crash test: its records in
// PostgreSQL, one poll.Source per push flow over them, and the clerk who
// republishes what the platform refused. Every status change is computed by
// the flow's state machine and written with a compare-and-set on the old
// status and revision. It is safe for concurrent use, and several processes
// may share one schema.
type Host struct {
	pool    *pgxpool.Pool
	by      string
	channel string
	flows   map[regplatform.Flow]flow
	r       *strings.Replacer
}

// NewHost returns the host over the tables in schema. by names whoever
// applies outcomes through it (an engine's owner); it is kept with each
// effect. Call Migrate before use.
func NewHost(pool *pgxpool.Pool, schema, by string) *Host {
	q := func(table string) string { return pgx.Identifier{schema, table}.Sanitize() }
	return &Host{
		pool:    pool,
		by:      by,
		channel: schema,
		flows:   flows(),
		r: strings.NewReplacer("{records}", q("records"), "{effects}", q("effects"),
			"{deliveries}", q("deliveries"), "{conflicts}", q("conflicts")),
	}
}

// Channel is the LISTEN channel on which every status change is announced,
// with "flow:source_id" as payload.
func (h *Host) Channel() string { return h.channel }

// Migrate creates the host's tables when they are missing.
func (h *Host) Migrate(ctx context.Context) error {
	if _, err := h.pool.Exec(ctx, h.sql(hostSchema)); err != nil {
		return fmt.Errorf("crashtest: create host tables: %w", err)
	}
	return nil
}

func (h *Host) sql(q string) string { return h.r.Replace(q) }

// Insert adds records in their flow's waiting status at revision 1.
func (h *Host) Insert(ctx context.Context, recs []Seeded) error {
	rows := make([][]any, len(recs))
	for i, r := range recs {
		f, ok := h.flows[r.Flow]
		if !ok {
			return fmt.Errorf("crashtest: insert %s: unknown flow %q", r.SourceID, r.Flow)
		}
		rows[i] = []any{string(r.Flow), r.SourceID, 1, f.waiting(), string(r.Request),
			r.FailFirst}
	}
	_, err := h.pool.CopyFrom(ctx, pgx.Identifier{h.channel, "records"},
		[]string{"flow", "source_id", "revision", "status", "request", "fail_first"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("crashtest: insert records: %w", err)
	}
	return nil
}

// Source returns the poll.Source of flow name.
func (h *Host) Source(name regplatform.Flow) poll.Source {
	return &source{h: h, f: h.flows[name]}
}

// source is the poll.Source of one flow.
type source struct {
	h *Host
	f flow
}

// Pending lists one keyset page of the records in the flow's waiting
// status, in source_id byte order (the column's collation is "C").
func (s *source) Pending(ctx context.Context, after string, limit int) ([]poll.Record, error) {
	rows, err := s.h.pool.Query(ctx, s.h.sql(`SELECT source_id, revision, request
		FROM {records} WHERE flow = $1 AND status = $2 AND source_id > $3
		ORDER BY source_id LIMIT $4`), string(s.f.name()), s.f.waiting(), after, limit)
	if err != nil {
		return nil, fmt.Errorf("crashtest: list %s: %w", s.f.name(), err)
	}
	got, err := collectRecordRows(rows)
	if err != nil {
		return nil, fmt.Errorf("crashtest: list %s: %w", s.f.name(), err)
	}

	out := make([]poll.Record, len(got))
	for i, r := range got {
		req, err := s.f.request([]byte(r.request), r.revision)
		if err != nil {
			return nil, fmt.Errorf("crashtest: %s %s: %w", s.f.name(), r.id, err)
		}
		out[i] = poll.Record{SourceID: r.id, Revision: r.revision, Request: req}
	}
	return out, nil
}

// recordRow is a records row as the listings select it: source_id,
// revision, request.
type recordRow struct {
	id       string
	revision int
	request  string
}

// collectRecordRows reads every recordRow of rows and closes them.
func collectRecordRows(rows pgx.Rows) ([]recordRow, error) {
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (recordRow, error) {
		var x recordRow
		return x, r.Scan(&x.id, &x.revision, &x.request)
	})
}

// errDoubleEffect is the error of an Apply that would have caused an effect
// a second time; the attempt is kept in the conflicts table.
var errDoubleEffect = errors.New("crashtest: effect applied twice")

// Apply moves the record as the outcome says when it still waits at the
// outcome's revision, and records the effect in the same transaction. An
// outcome for a record that has moved on was applied before: it is only
// counted as a delivery.
func (s *source) Apply(ctx context.Context, o poll.Outcome) error {
	err := pgx.BeginFunc(ctx, s.h.pool, func(tx pgx.Tx) error {
		changed, err := s.swap(ctx, tx, o)
		if err != nil {
			return err
		}
		if changed {
			if err := s.h.effect(ctx, tx, o); err != nil {
				return err
			}
		}
		_, err = tx.Exec(ctx, s.h.sql(`INSERT INTO {deliveries} AS d
			(flow, source_id, revision, outcome, delivered) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (flow, source_id, revision, outcome)
			DO UPDATE SET delivered = d.delivered + 1`),
			string(o.Flow), o.SourceID, o.Revision, string(o.Kind))
		return err
	})

	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "23505" &&
		strings.Contains(pgErr.TableName, "effects") {
		return s.h.conflict(ctx, o)
	}
	if err != nil {
		return fmt.Errorf("crashtest: apply %s %s/%d %s: %w", o.Flow, o.SourceID,
			o.Revision, o.Kind, err)
	}
	return nil
}

// swap fires the outcome's event with a compare-and-set on the record's
// status and revision and reports whether the row changed. An invalid
// outcome changes nothing: the record stays waiting.
func (s *source) swap(ctx context.Context, tx pgx.Tx, o poll.Outcome) (bool, error) {
	if o.Kind == poll.OutcomeInvalid {
		return false, nil
	}
	var (
		revision int
		status   string
	)
	err := tx.QueryRow(ctx, s.h.sql(`SELECT revision, status FROM {records}
		WHERE flow = $1 AND source_id = $2`), string(o.Flow), o.SourceID).
		Scan(&revision, &status)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, fmt.Errorf("%w: %s %s", errNoRecord, o.Flow, o.SourceID)
	}
	if err != nil {
		return false, err
	}
	if revision != o.Revision || status != s.f.waiting() {
		return false, nil
	}

	to, bump, err := s.f.decide(status, o.Kind)
	if err != nil {
		return false, err
	}
	next := revision
	if bump {
		next++
	}
	tag, err := tx.Exec(ctx, s.h.sql(`UPDATE {records}
		SET status = $1, revision = $2, reason = $3, platform_id = $4
		WHERE flow = $5 AND source_id = $6 AND status = $7 AND revision = $8`),
		to, next, o.Reason, platformID(o), string(o.Flow), o.SourceID, status, revision)
	if err != nil {
		return false, err
	}
	return tag.RowsAffected() == 1, nil
}

// effect records one status change caused by o and announces it.
func (h *Host) effect(ctx context.Context, tx pgx.Tx, o poll.Outcome) error {
	_, err := tx.Exec(ctx, h.sql(`INSERT INTO {effects}
		(flow, source_id, revision, outcome, applied_by, applied_at)
		VALUES ($1, $2, $3, $4, $5, $6)`),
		string(o.Flow), o.SourceID, o.Revision, string(o.Kind), h.by, time.Now())
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, h.channel,
		string(o.Flow)+":"+o.SourceID)
	return err
}

// conflict keeps an effect that was about to happen twice and returns
// errDoubleEffect. The transaction that tried it was rolled back.
func (h *Host) conflict(ctx context.Context, o poll.Outcome) error {
	_, err := h.pool.Exec(ctx, h.sql(`INSERT INTO {conflicts}
		(flow, source_id, revision, outcome, applied_by, at) VALUES ($1, $2, $3, $4, $5, $6)`),
		string(o.Flow), o.SourceID, o.Revision, string(o.Kind), h.by, time.Now())
	if err != nil {
		return fmt.Errorf("%w: %s %s/%d %s (not kept: %w)", errDoubleEffect, o.Flow,
			o.SourceID, o.Revision, o.Kind, err)
	}
	return fmt.Errorf("%w: %s %s/%d %s", errDoubleEffect, o.Flow, o.SourceID, o.Revision,
		o.Kind)
}

// platformID is the platform's id of the record in o, if any.
func platformID(o poll.Outcome) string {
	switch {
	case o.Intention != nil:
		return o.Intention.PlatformID
	case o.Notice != nil:
		return o.Notice.PlatformID
	case o.Plan != nil:
		return o.Plan.PlanID
	}
	return ""
}
