package regplatform

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQueryRefusalsCarryTaggedLabels checks that the refusals of result ids,
// paging and plan ids take their Chinese labels from the struct tags.
func TestQueryRefusalsCarryTaggedLabels(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		field string
		label string
	}{
		{"source id", second(checkResultIDs([]string{"YX1", "bad id"})),
			"source_ids[1]", "校端唯一标识"},
		{"page_no", ListOptions{PageNo: -1}.check(), "page_no", "页码"},
		{"page_size", ListOptions{PageSize: 101}.check(), "page_size", "每页条数"},
		{"plan id", second(planPath(" P", "project")), "plan_id", "监管平台计划唯一标识"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var ve *ValidationError
			require.True(t, errors.As(tt.err, &ve), "%v", tt.err)
			require.Len(t, ve.Fields, 1)
			assert.Equal(t, tt.field, ve.Fields[0].Field)
			assert.Equal(t, tt.label, ve.Fields[0].Label)
		})
	}
}

func second[T any](_ T, err error) error { return err }
