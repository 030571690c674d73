package pgstore

import "strings"

// queries holds the store's SQL with its table names filled in.
type queries struct {
	claim, markSending, markNotSent, markInDoubt string
	accept, release, finish, get, list           string
	enqueue, due, ack, retry                     string
}

// entryColumns are the columns scanEntry reads, in its order.
const entryColumns = `flow, source_id, revision, state, owner, fence, lease_until,
	body, receipt_id, outcome, last_error, attempts, updated_at`

// fenced selects the row of key $1..$3 only while claim $4 is its latest and
// has not been released or completed.
const fenced = `flow = $1 AND source_id = $2 AND revision = $3
	AND fence = $4 AND lease_until IS NOT NULL`

// The claim inserts a fresh pending entry, or takes over an existing one in
// the same statement; the primary key makes it atomic across sessions, and
// the WHERE clause leaves a row that may not be claimed untouched (no row is
// returned then).
const claimSQL = `INSERT INTO {push} AS p
	(flow, source_id, revision, state, owner, fence, lease_until, updated_at)
VALUES ($1, $2, $3, 'pending', $4, 1, $5, $6)
ON CONFLICT (flow, source_id, revision) DO UPDATE
SET owner = EXCLUDED.owner, fence = p.fence + 1,
	lease_until = EXCLUDED.lease_until, updated_at = EXCLUDED.updated_at
WHERE p.state IN ('pending', 'in_doubt')
	AND (p.lease_until IS NULL OR p.lease_until <= $6 OR p.owner = $4)
RETURNING ` + entryColumns

// markSendingSQL keeps the body only when none is kept, and never an empty
// one: there would be nothing to send.
const markSendingSQL = `UPDATE {push}
SET state = 'in_doubt', body = $5, attempts = attempts + 1, updated_at = $6
WHERE ` + fenced + ` AND state IN ('pending', 'in_doubt')
	AND (body = $5 OR (body IS NULL AND octet_length($5) > 0))`

const markNotSentSQL = `UPDATE {push}
SET state = 'pending', last_error = $5, updated_at = $6
WHERE ` + fenced + ` AND state = 'in_doubt'`

const markInDoubtSQL = `UPDATE {push}
SET last_error = $5, updated_at = $6
WHERE ` + fenced + ` AND state = 'in_doubt'`

const acceptSQL = `UPDATE {push}
SET state = 'accepted', receipt_id = $5, lease_until = NULL, updated_at = $6
WHERE ` + fenced + ` AND state = 'in_doubt'`

const releaseSQL = `UPDATE {push}
SET lease_until = NULL, updated_at = $5
WHERE ` + fenced

// Finishing also ends any lease, so that an owner still working on an
// in-doubt push cannot write over the terminal state.
const finishSQL = `UPDATE {push}
SET state = 'finished', outcome = $4, lease_until = NULL, updated_at = $5
WHERE flow = $1 AND source_id = $2 AND revision = $3
	AND state IN ('accepted', 'in_doubt')`

const getSQL = `SELECT ` + entryColumns + ` FROM {push}
WHERE flow = $1 AND source_id = $2 AND revision = $3`

// listSQL takes a NULL limit as no limit.
const listSQL = `SELECT ` + entryColumns + ` FROM {push}
WHERE flow = $1 AND state = $2
ORDER BY updated_at, source_id, revision
LIMIT $3`

const enqueueSQL = `INSERT INTO {outbox}
	(id, sink, payload, attempts, next_at, last_error, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
ON CONFLICT (id) DO NOTHING`

// dueSQL locks the due rows it picks, skipping rows another session holds,
// and moves them out of reach in the same statement. It returns each row's
// previous next_at for ordering. A NULL limit is no limit.
const dueSQL = `WITH due AS (
	SELECT id, next_at FROM {outbox}
	WHERE next_at <= $1
	ORDER BY next_at, created_at, id
	LIMIT $3
	FOR UPDATE SKIP LOCKED
)
UPDATE {outbox} AS o SET next_at = $2
FROM due WHERE o.id = due.id
RETURNING o.id, o.sink, o.payload, o.attempts, o.next_at, o.last_error,
	o.created_at, due.next_at`

const ackSQL = `DELETE FROM {outbox} WHERE id = $1`

const retrySQL = `UPDATE {outbox}
SET attempts = attempts + 1, next_at = $2, last_error = $3
WHERE id = $1`

func newQueries(push, outbox string) queries {
	r := strings.NewReplacer("{push}", push, "{outbox}", outbox)
	return queries{
		claim:       r.Replace(claimSQL),
		markSending: r.Replace(markSendingSQL),
		markNotSent: r.Replace(markNotSentSQL),
		markInDoubt: r.Replace(markInDoubtSQL),
		accept:      r.Replace(acceptSQL),
		release:     r.Replace(releaseSQL),
		finish:      r.Replace(finishSQL),
		get:         r.Replace(getSQL),
		list:        r.Replace(listSQL),
		enqueue:     r.Replace(enqueueSQL),
		due:         r.Replace(dueSQL),
		ack:         r.Replace(ackSQL),
		retry:       r.Replace(retrySQL),
	}
}
