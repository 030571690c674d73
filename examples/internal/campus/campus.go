// Package campus stands in for a university's procurement system (校端) in
// the examples: a SQLite database of intentions, single-source notices and
// plans with the business status each screen shows, and the poll.Source
// implementations a real host would write over its own tables.
//
// It shows the pattern a host follows: the status lives in the host's
// table; every change is computed by the flow's state machine and written
// with a compare-and-set on the old status, so an outcome delivered twice,
// or by two engines, changes the record once.
package campus

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/zcbridge/zcbridge/regplatform"
)

const schema = `
CREATE TABLE IF NOT EXISTS records (
	flow        TEXT    NOT NULL,
	source_id   TEXT    NOT NULL,
	revision    INTEGER NOT NULL DEFAULT 1,
	status      TEXT    NOT NULL,
	request     TEXT    NOT NULL,
	reason      TEXT    NOT NULL DEFAULT '',
	platform_id TEXT    NOT NULL DEFAULT '',
	url         TEXT    NOT NULL DEFAULT '',
	published   TEXT    NOT NULL DEFAULT '',
	deadline    TEXT    NOT NULL DEFAULT '',
	plan_no     TEXT    NOT NULL DEFAULT '',
	results     TEXT    NOT NULL DEFAULT '',
	PRIMARY KEY (flow, source_id)
);`

// Change is one status change of a record, as the examples print it.
type Change struct {
	Flow     regplatform.Flow
	SourceID string
	// Revision is the record's revision before the change; NextRevision
	// says the change started the next one.
	Revision     int
	NextRevision bool
	// From and To are the Chinese status labels.
	From, To string
	// Cause is the event's Chinese label, such as 平台发布成功.
	Cause string
	// Detail is the failure reason, the URL or the plan number, if any.
	Detail string
}

// DB is the campus system's database.
type DB struct {
	db       *sql.DB
	mu       sync.Mutex
	onChange func(Change)
}

// Open creates or opens the campus database at path. onChange, if not nil,
// is called after every status change.
func Open(ctx context.Context, path string, onChange func(Change)) (*DB, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(5000)&_pragma=journal_mode(WAL)"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("campus: open %s: %w", path, err)
	}
	// One connection: the campus database is small and this keeps writes
	// serial without lock errors.
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("campus: create schema: %w", err)
	}
	return &DB{db: db, onChange: onChange}, nil
}

// Close closes the database.
func (d *DB) Close() error { return d.db.Close() }

// Record is one row of the campus database.
type Record struct {
	Flow       regplatform.Flow
	SourceID   string
	Revision   int
	Status     string
	Request    json.RawMessage
	Reason     string
	PlatformID string
	URL        string
	Published  string
	Deadline   string
	PlanNo     string
	Results    string
}

// ErrNoRecord is returned for a source_id the campus database does not hold.
var ErrNoRecord = errors.New("campus: no such record")

// Insert adds a record in status with its push request.
func (d *DB) Insert(ctx context.Context, flow regplatform.Flow, sourceID, status string,
	request any) error {
	body, err := json.Marshal(request)
	if err != nil {
		return fmt.Errorf("campus: encode %s %s: %w", flow, sourceID, err)
	}
	_, err = d.db.ExecContext(ctx,
		`INSERT INTO records (flow, source_id, status, request) VALUES (?, ?, ?, ?)`,
		string(flow), sourceID, status, string(body))
	if err != nil {
		return fmt.Errorf("campus: insert %s %s: %w", flow, sourceID, err)
	}
	return nil
}

// Get returns one record.
func (d *DB) Get(ctx context.Context, flow regplatform.Flow, sourceID string) (Record, error) {
	rows, err := d.query(ctx, `WHERE flow = ? AND source_id = ?`, string(flow), sourceID)
	if err != nil {
		return Record{}, err
	}
	if len(rows) == 0 {
		return Record{}, fmt.Errorf("%w: %s %s", ErrNoRecord, flow, sourceID)
	}
	return rows[0], nil
}

// All returns every record of flow in source_id order.
func (d *DB) All(ctx context.Context, flow regplatform.Flow) ([]Record, error) {
	return d.query(ctx, `WHERE flow = ? ORDER BY source_id`, string(flow))
}

// inStatus returns at most limit records of flow in status with source_id
// after the cursor, in source_id byte order: the keyset page a Source lists.
func (d *DB) inStatus(ctx context.Context, flow regplatform.Flow, status, after string,
	limit int) ([]Record, error) {
	return d.query(ctx, `WHERE flow = ? AND status = ? AND source_id > ?
		ORDER BY source_id LIMIT ?`, string(flow), status, after, limit)
}

func (d *DB) query(ctx context.Context, where string, args ...any) ([]Record, error) {
	rows, err := d.db.QueryContext(ctx, `SELECT flow, source_id, revision, status, request,
		reason, platform_id, url, published, deadline, plan_no, results FROM records `+where,
		args...)
	if err != nil {
		return nil, fmt.Errorf("campus: query: %w", err)
	}
	defer rows.Close()

	var out []Record
	for rows.Next() {
		var r Record
		var flow, req string
		if err := rows.Scan(&flow, &r.SourceID, &r.Revision, &r.Status, &req, &r.Reason,
			&r.PlatformID, &r.URL, &r.Published, &r.Deadline, &r.PlanNo, &r.Results); err != nil {
			return nil, fmt.Errorf("campus: scan: %w", err)
		}
		r.Flow, r.Request = regplatform.Flow(flow), json.RawMessage(req)
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("campus: query: %w", err)
	}
	return out, nil
}

// update is one compare-and-set write of a record's status and details.
type update struct {
	from, to     string
	revision     int // the revision the change is for
	nextRevision bool
	set          map[string]string // extra columns to set
}

// swap writes u if the record is still in u.from at u.revision. It reports
// whether the row changed; false means another writer got there first or the
// change was already applied.
func (d *DB) swap(ctx context.Context, flow regplatform.Flow, sourceID string,
	u update) (bool, error) {
	q := `UPDATE records SET status = ?`
	args := []any{u.to}
	if u.nextRevision {
		q += `, revision = revision + 1`
	}
	for _, col := range []string{"reason", "platform_id", "url", "published", "deadline",
		"plan_no", "results", "request"} {
		if v, ok := u.set[col]; ok {
			q += `, ` + col + ` = ?`
			args = append(args, v)
		}
	}
	q += ` WHERE flow = ? AND source_id = ? AND status = ? AND revision = ?`
	args = append(args, string(flow), sourceID, u.from, u.revision)

	res, err := d.db.ExecContext(ctx, q, args...)
	if err != nil {
		return false, fmt.Errorf("campus: update %s %s: %w", flow, sourceID, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("campus: update %s %s: %w", flow, sourceID, err)
	}
	return n == 1, nil
}
