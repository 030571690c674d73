package regplatform_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// fieldErrors returns the failing fields of err, which must be a
// *ValidationError of the given kind.
func fieldErrors(t *testing.T, err error, kind string) []regplatform.FieldError {
	t.Helper()
	require.Error(t, err)
	require.ErrorIs(t, err, regplatform.ErrValidation)
	var ve *regplatform.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, kind, ve.Kind)
	return ve.Fields
}

// fieldAt returns the first failing field at path, or fails the test.
func fieldAt(t *testing.T, fields []regplatform.FieldError, path string) regplatform.FieldError {
	t.Helper()
	for _, f := range fields {
		if f.Field == path {
			return f
		}
	}
	require.Failf(t, "field not reported", "want %q among %v", path, fields)
	return regplatform.FieldError{}
}

// paths lists the JSON paths of fields.
func paths(fields []regplatform.FieldError) []string {
	out := make([]string, len(fields))
	for i, f := range fields {
		out[i] = f.Field
	}
	return out
}

// fieldCase is one broken field of a request: the change, the JSON path
// that must be reported, its label, and a part of the message.
type fieldCase[R any] struct {
	name    string
	mutate  func(r *R)
	path    string
	label   string
	message string
}

// runFieldCases checks that each case makes Validate report exactly its
// path (and nothing else) with the label and message.
func runFieldCases[R any](t *testing.T, kind string, base func() *R,
	validate func(*R) error, cases []fieldCase[R]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := base()
			require.NoError(t, validate(r), "base request must be valid")
			tc.mutate(r)

			fields := fieldErrors(t, validate(r), kind)
			assert.Equal(t, []string{tc.path}, paths(fields))
			f := fieldAt(t, fields, tc.path)
			assert.Equal(t, tc.label, f.Label)
			assert.Contains(t, f.Message, tc.message)
		})
	}
}

func TestCheckSourceID(t *testing.T) {
	tests := []struct {
		id      string
		wantErr string
	}{
		{"YX2021080013", ""},
		{"a", ""},
		{"A-z_09", ""},
		{strings.Repeat("x", 64), ""},
		{"", "必填"},
		{strings.Repeat("x", 65), "长度须为1–64个字符, 实际65"},
		{" YX1", "首尾不得有空白字符"},
		{"YX1\t", "首尾不得有空白字符"},
		{"YX 1", "含不允许的字符' '"},
		{"YX.1", "含不允许的字符'.'"},
		{"意向1", "含不允许的字符'意'"},
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			err := regplatform.CheckSourceID(tc.id)
			if tc.wantErr == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, regplatform.ErrInvalidIdentifier)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestValidationErrorText(t *testing.T) {
	r := &regplatform.Intention{}
	err := r.Validate()

	fields := fieldErrors(t, err, "intention")
	assert.Equal(t, []string{"source_id", "revision", "org_code", "org_name", "title", "items"},
		paths(fields))
	assert.True(t, errors.Is(err, regplatform.ErrValidation))
	assert.Contains(t, err.Error(), "regplatform: invalid intention: source_id (校端意向公开唯一标识): 必填")
	assert.Contains(t, err.Error(), "items (意向明细): 须有1–100项, 实际0项")
}

// TestRequestFieldsHaveLabels walks the request structs: every field sent
// on the wire carries the Chinese label that validation errors show.
func TestRequestFieldsHaveLabels(t *testing.T) {
	pkg := reflect.TypeFor[regplatform.Money]().PkgPath()
	var walk func(path string, typ reflect.Type)
	walk = func(path string, typ reflect.Type) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || typ.PkgPath() != pkg {
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if !f.IsExported() || name == "" {
				continue
			}
			assert.NotEmpty(t, f.Tag.Get("label"), "%s%s has no label", path, name)
			walk(path+name+".", f.Type)
		}
	}
	for _, typ := range []reflect.Type{
		reflect.TypeFor[regplatform.Intention](),
		reflect.TypeFor[regplatform.SingleSourceNotice](),
		reflect.TypeFor[regplatform.PlanFiling](),
	} {
		walk(typ.Name()+".", typ)
	}
}
