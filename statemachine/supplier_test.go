package statemachine_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

func TestCheckSupplier(t *testing.T) {
	entry := func(code string) *statemachine.LibrarySupplier {
		return &statemachine.LibrarySupplier{ID: "S1", Name: "某公司", CreditCode: code}
	}
	cases := []struct {
		name       string
		entry      *statemachine.LibrarySupplier
		noticeCode string
		ok         bool
		badCode    bool
	}{
		{"valid public code", entry("914403001922038216"), "914403001922038216", true, false},
		{"valid code ending in a letter", entry("9144030071526726XG"), "9144030071526726XG",
			true, false},
		{"not in the library", nil, "914403001922038216", false, false},
		{"library entry without code", entry(""), "914403001922038216", false, false},
		{"changed check character", entry("914403001922038217"), "914403001922038217", false, true},
		{"changed body digit", entry("914403001922038316"), "914403001922038316", false, true},
		{"forbidden letter O", entry("9144030071526726XO"), "9144030071526726XO", false, true},
		{"too short", entry("91440300192203821"), "91440300192203821", false, true},
		{"too long", entry("9144030019220382160"), "9144030019220382160", false, true},
		{"lower case", entry("9144030071526726xg"), "9144030071526726xg", false, true},
		{"notice code differs", entry("914403001922038216"), "9144030071526726XG", false, false},
		{"notice code empty", entry("914403001922038216"), "", false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := statemachine.CheckSupplier(tc.entry, tc.noticeCode)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, statemachine.ErrSupplierIneligible)
			assert.Equal(t, tc.badCode, errors.Is(err, regplatform.ErrInvalidCreditCode))
			assert.Contains(t, err.Error(), statemachine.SupplierRule)
		})
	}
}

func TestLookupSupplier(t *testing.T) {
	lib := library(statemachine.LibrarySupplier{ID: "S9", CreditCode: validCode})
	ctx := context.Background()

	got, err := statemachine.LookupSupplier(ctx, lib, statemachine.SupplierRef{ID: "S9"})
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, validCode, got.CreditCode)

	byCode := statemachine.SupplierRef{CreditCode: validCode}
	got, err = statemachine.LookupSupplier(ctx, lib, byCode)
	require.NoError(t, err)
	require.NotNil(t, got)
	assert.Equal(t, "S9", got.ID)

	got, err = statemachine.LookupSupplier(ctx, lib, statemachine.SupplierRef{ID: "S10"})
	require.NoError(t, err)
	assert.Nil(t, got)

	wrapped := statemachine.SupplierLibraryFunc(
		func(context.Context, statemachine.SupplierRef) (statemachine.LibrarySupplier, error) {
			return statemachine.LibrarySupplier{}, errors.Join(errors.New("no rows"),
				statemachine.ErrSupplierNotFound)
		})
	got, err = statemachine.LookupSupplier(ctx, wrapped, statemachine.SupplierRef{ID: "x"})
	require.NoError(t, err, "a wrapped not-found is still not found")
	assert.Nil(t, got)
}
