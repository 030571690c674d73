package statemachine_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/statemachine/internal/diagram"
)

// TestDiagramsUpToDate fails when a committed file of docs/diagrams differs
// from what the tables generate. Run `go generate ./statemachine` to fix it.
func TestDiagramsUpToDate(t *testing.T) {
	files := diagram.Files()
	require.NotEmpty(t, files)
	for _, f := range files {
		t.Run(f.Name, func(t *testing.T) {
			got, err := os.ReadFile(filepath.Join("..", "docs", "diagrams", f.Name))
			require.NoError(t, err, "diagram missing: run go generate ./statemachine")
			assert.Equal(t, f.Content, string(got),
				"docs/diagrams/%s is stale: run go generate ./statemachine", f.Name)
		})
	}
}
