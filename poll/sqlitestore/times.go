package sqlitestore

import "time"

// The store keeps instants as Unix nanoseconds in INTEGER columns, which
// round-trip exactly and sort as numbers; 0 stands for the zero time.

// toNanos encodes t for a column.
func toNanos(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromNanos decodes a column written by toNanos.
func fromNanos(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}
