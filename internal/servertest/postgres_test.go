package servertest

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// schemaExists reports whether the test server holds schema.
func schemaExists(t *testing.T, schema string) bool {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), PostgresServer(t))
	require.NoError(t, err)
	defer conn.Close(context.Background())
	var n int
	require.NoError(t, conn.QueryRow(t.Context(),
		`SELECT count(*) FROM pg_namespace WHERE nspname = $1`, schema).Scan(&n))
	return n == 1
}

func TestPostgresServerReturnsTheURL(t *testing.T) {
	assert.Equal(t, PostgresURL(), PostgresServer(t))
}

func TestPostgresSchemaIsDroppedWhenTheTestEnds(t *testing.T) {
	cases := []struct {
		name   string
		schema func(testing.TB) string
		want   string
	}{
		{"default", PostgresSchema, `^zcb_test_[0-9a-f]{12}$`},
		{"prefix", func(tb testing.TB) string {
			return PostgresSchemaWithPrefix(tb, "zcb_other_")
		}, `^zcb_other_[0-9a-f]{12}$`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var schema string
			t.Run("inner", func(t *testing.T) {
				schema = c.schema(t)
				require.Regexp(t, c.want, schema)
				// The schema is usable: a pool on it can create a table.
				_, err := PostgresPool(t).Exec(t.Context(),
					"CREATE TABLE "+pgx.Identifier{schema, "t"}.Sanitize()+" (id int)")
				require.NoError(t, err)
				assert.True(t, schemaExists(t, schema))
			})
			require.NotEmpty(t, schema)
			assert.False(t, schemaExists(t, schema), "schema %s left behind", schema)
		})
	}
}

func TestDropPostgresSchema(t *testing.T) {
	PostgresServer(t)
	schema := Name("zcb_test_")
	_, err := PostgresPool(t).Exec(t.Context(),
		"CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize())
	require.NoError(t, err)
	t.Cleanup(func() { DropPostgresSchema(t, schema) })

	DropPostgresSchema(t, schema)
	assert.False(t, schemaExists(t, schema))
	DropPostgresSchema(t, schema) // a missing schema is no error: t stays passed
}

func TestDropPostgresSchemaReportsAnUnreachableServer(t *testing.T) {
	t.Setenv(EnvPostgresURL, "postgres://postgres@"+unreachable+"/test")
	r := &recorder{TB: t}
	r.run(func(tb testing.TB) { DropPostgresSchema(tb, "zcb_test_gone") })
	assert.True(t, r.failed)
	assert.False(t, r.skipped)
	assert.Contains(t, r.msg, "servertest: drop schema zcb_test_gone")
}
