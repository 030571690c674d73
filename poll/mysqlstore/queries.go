package mysqlstore

// entryColumns are the columns scanEntry reads, in its order.
const entryColumns = `flow, source_id, revision, state, owner, fence, lease_until,
	body, receipt_id, outcome, last_error, attempts, updated_at`

// fenced selects the row of a key only while the given claim (fence) is its
// latest and has not been released or completed. Its arguments are flow,
// source_id, revision and fence, in that order.
const fenced = `flow = ? AND source_id = ? AND revision = ?
	AND fence = ? AND lease_until IS NOT NULL`

// claimUpdateSQL takes over an existing entry when it may be claimed. The
// WHERE clause is evaluated on the row under its exclusive lock, so of
// several sessions at most one changes it. Arguments: owner, lease_until,
// updated_at, flow, source_id, revision, now, owner.
const claimUpdateSQL = `UPDATE zcbridge_push
SET fence = fence + 1, owner = ?, lease_until = ?, updated_at = ?
WHERE flow = ? AND source_id = ? AND revision = ?
	AND state IN ('pending', 'in_doubt')
	AND (lease_until IS NULL OR lease_until <= ? OR owner = ?)`

// claimInsertSQL creates a fresh pending entry; the primary key refuses a
// second one. Arguments: flow, source_id, revision, owner, lease_until,
// updated_at.
const claimInsertSQL = `INSERT INTO zcbridge_push
	(flow, source_id, revision, state, owner, fence, lease_until, body,
	receipt_id, outcome, last_error, attempts, updated_at)
VALUES (?, ?, ?, 'pending', ?, 1, ?, NULL, '', '', '', 0, ?)`

// markSendingSQL keeps the body only when none is kept, and never an empty
// one: there would be nothing to send. It takes the body a third and fourth
// time after the fence.
const markSendingSQL = `UPDATE zcbridge_push
SET state = 'in_doubt', body = ?, attempts = attempts + 1, updated_at = ?
WHERE ` + fenced + ` AND state IN ('pending', 'in_doubt')
	AND (body = ? OR (body IS NULL AND LENGTH(?) > 0))`

const markNotSentSQL = `UPDATE zcbridge_push
SET state = 'pending', last_error = ?, updated_at = ?
WHERE ` + fenced + ` AND state = 'in_doubt'`

const markInDoubtSQL = `UPDATE zcbridge_push
SET last_error = ?, updated_at = ?
WHERE ` + fenced + ` AND state = 'in_doubt'`

const acceptSQL = `UPDATE zcbridge_push
SET state = 'accepted', receipt_id = ?, lease_until = NULL, updated_at = ?
WHERE ` + fenced + ` AND state = 'in_doubt'`

const releaseSQL = `UPDATE zcbridge_push
SET lease_until = NULL, updated_at = ?
WHERE ` + fenced

// Finishing also ends any lease, so that an owner still working on an
// in-doubt push cannot write over the terminal state.
const finishSQL = `UPDATE zcbridge_push
SET state = 'finished', outcome = ?, lease_until = NULL, updated_at = ?
WHERE flow = ? AND source_id = ? AND revision = ?
	AND state IN ('accepted', 'in_doubt')`

const getSQL = `SELECT ` + entryColumns + ` FROM zcbridge_push
WHERE flow = ? AND source_id = ? AND revision = ?`

// listSQL is completed with a LIMIT clause when a limit is given.
const listSQL = `SELECT ` + entryColumns + ` FROM zcbridge_push
WHERE flow = ? AND state = ?
ORDER BY updated_at, source_id, revision`

const enqueueSQL = `INSERT INTO zcbridge_outbox
	(id, sink, payload, attempts, next_at, last_error, created_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON DUPLICATE KEY UPDATE id = id`

// dueSelectSQL locks the due rows it picks, skipping rows another session
// holds; it is completed with a LIMIT clause when a limit is given, then
// FOR UPDATE SKIP LOCKED.
const dueSelectSQL = `SELECT id, sink, payload, attempts, last_error, created_at
FROM zcbridge_outbox
WHERE next_at <= ?
ORDER BY next_at, created_at, id`

// dueUpdateSQL is completed with the placeholders of the IDs taken.
const dueUpdateSQL = `UPDATE zcbridge_outbox SET next_at = ? WHERE id IN `

const ackSQL = `DELETE FROM zcbridge_outbox WHERE id = ?`

const retrySQL = `UPDATE zcbridge_outbox
SET attempts = attempts + 1, next_at = ?, last_error = ?
WHERE id = ?`
