package sqlitestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// migrations are the schema's steps, applied in order and each once; the
// schema version is the number applied. Append steps, never edit one.
var migrations = []string{
	`CREATE TABLE zcbridge_push (
		flow        TEXT    NOT NULL,
		source_id   TEXT    NOT NULL,
		revision    INTEGER NOT NULL,
		state       TEXT    NOT NULL,
		owner       TEXT    NOT NULL DEFAULT '',
		fence       INTEGER NOT NULL DEFAULT 0,
		lease_until INTEGER NOT NULL DEFAULT 0,
		body        BLOB,
		receipt_id  TEXT    NOT NULL DEFAULT '',
		outcome     TEXT    NOT NULL DEFAULT '',
		last_error  TEXT    NOT NULL DEFAULT '',
		attempts    INTEGER NOT NULL DEFAULT 0,
		updated_at  INTEGER NOT NULL,
		PRIMARY KEY (flow, source_id, revision)
	);
	CREATE INDEX zcbridge_push_by_state ON zcbridge_push (flow, state, updated_at);
	CREATE TABLE zcbridge_outbox (
		id         TEXT    NOT NULL PRIMARY KEY,
		sink       TEXT    NOT NULL,
		payload    BLOB    NOT NULL,
		attempts   INTEGER NOT NULL DEFAULT 0,
		next_at    INTEGER NOT NULL,
		last_error TEXT    NOT NULL DEFAULT '',
		created_at INTEGER NOT NULL
	);
	CREATE INDEX zcbridge_outbox_due ON zcbridge_outbox (next_at, created_at, id);`,
}

// Migrate creates or upgrades the store's tables (zcbridge_push,
// zcbridge_outbox, zcbridge_schema_version) in one transaction. Running it
// again, from any number of processes, is harmless.
func (s *Store) Migrate(ctx context.Context) error {
	err := s.write(ctx, func(conn *sql.Conn) error {
		_, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS zcbridge_schema_version (
			id      INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
			version INTEGER NOT NULL
		)`)
		if err != nil {
			return err
		}

		var version int
		err = conn.QueryRowContext(ctx,
			`SELECT version FROM zcbridge_schema_version WHERE id = 1`).Scan(&version)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if version > len(migrations) {
			return fmt.Errorf("schema version %d is newer than this code (%d)",
				version, len(migrations))
		}

		for _, step := range migrations[version:] {
			if _, err := conn.ExecContext(ctx, step); err != nil {
				return err
			}
		}
		_, err = conn.ExecContext(ctx, `INSERT INTO zcbridge_schema_version (id, version)
			VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET version = excluded.version`,
			len(migrations))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlitestore: migrate: %w", err)
	}
	return nil
}
