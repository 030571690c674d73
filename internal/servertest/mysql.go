package servertest

import (
	"context"
	"database/sql"
	"testing"

	"github.com/go-sql-driver/mysql"
)

// MySQLDatabase creates an empty database named zcb_test_<random> for tb,
// drops it when tb ends and returns a DSN that selects it. It skips or fails
// tb (see Unavailable) when the server cannot be reached.
func MySQLDatabase(tb testing.TB) string {
	tb.Helper()
	cfg, err := mysql.ParseDSN(MySQLDSN())
	if err != nil {
		tb.Fatalf("servertest: parse %s: %v", EnvMySQLDSN, err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), connectTimeout)
	defer cancel()
	admin, err := sql.Open("mysql", cfg.FormatDSN())
	if err != nil {
		tb.Fatalf("servertest: open MySQL: %v", err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		Unavailable(tb, "MySQL/MariaDB", err)
	}

	name := Name("zcb_test_")
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"`"); err != nil {
		tb.Fatalf("servertest: create database %s: %v", name, err)
	}

	tb.Cleanup(func() {
		ctx, cancel := cleanupContext()
		defer cancel()
		admin, err := sql.Open("mysql", cfg.FormatDSN())
		if err != nil {
			tb.Errorf("servertest: drop database %s: %v", name, err)
			return
		}
		defer admin.Close()
		if _, err := admin.ExecContext(ctx, "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			tb.Errorf("servertest: drop database %s: %v", name, err)
		}
	})

	cfg.DBName = name
	return cfg.FormatDSN()
}

// MySQLDB opens dsn (from MySQLDatabase) and closes the handle when tb ends.
// Call it after MySQLDatabase so the handle closes before the database is
// dropped.
func MySQLDB(tb testing.TB, dsn string) *sql.DB {
	tb.Helper()
	db, err := sql.Open("mysql", dsn)
	if err != nil {
		tb.Fatalf("servertest: open MySQL: %v", err)
	}
	tb.Cleanup(func() { _ = db.Close() })
	return db
}
