package regplatform

import (
	"fmt"
	"time"
)

// CST is China Standard Time, UTC+08:00 with no daylight saving. It is a
// fixed zone, so times mean the same instant whatever TZ says and whether or
// not tzdata is installed.
var CST = time.FixedZone("CST", 8*60*60)

const (
	timeLayout  = "2006-01-02 15:04:05"
	dateLayout  = "2006-01-02"
	monthLayout = "2006-01"
)

// Time is an instant written on the wire as "YYYY-MM-DD HH:mm:ss" in China
// Standard Time. The zero Time is "not set" and is written as "".
type Time struct{ time.Time }

// NewTime wraps t; it is shown in CST whatever its location.
func NewTime(t time.Time) Time { return Time{t} }

// ParseTime reads "YYYY-MM-DD HH:mm:ss" as China Standard Time; "" gives the
// zero Time.
func ParseTime(s string) (Time, error) {
	if s == "" {
		return Time{}, nil
	}
	t, err := parseExact(timeLayout, s)
	if err != nil {
		return Time{}, fmt.Errorf("regplatform: time %q: want YYYY-MM-DD HH:mm:ss: %w", s, err)
	}
	return Time{t}, nil
}

// String returns the wire form in CST, or "" when not set.
func (t Time) String() string {
	if t.IsZero() {
		return ""
	}
	return t.In(CST).Format(timeLayout)
}

// MarshalJSON writes the wire form as a JSON string.
func (t Time) MarshalJSON() ([]byte, error) { return quote(t.String()), nil }

// UnmarshalJSON reads the wire form; "" leaves the time unset.
func (t *Time) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b, "time")
	if err != nil {
		return err
	}
	v, err := ParseTime(s)
	if err != nil {
		return err
	}
	*t = v
	return nil
}

// Date is a calendar day written "YYYY-MM-DD"; it is held as midnight CST.
// The zero Date is "not set".
type Date struct{ time.Time }

// ParseDate reads "YYYY-MM-DD"; "" gives the zero Date.
func ParseDate(s string) (Date, error) {
	if s == "" {
		return Date{}, nil
	}
	t, err := parseExact(dateLayout, s)
	if err != nil {
		return Date{}, fmt.Errorf("regplatform: date %q: want YYYY-MM-DD: %w", s, err)
	}
	return Date{t}, nil
}

// String returns "YYYY-MM-DD", or "" when not set.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.In(CST).Format(dateLayout)
}

// MarshalJSON writes the wire form as a JSON string.
func (d Date) MarshalJSON() ([]byte, error) { return quote(d.String()), nil }

// UnmarshalJSON reads the wire form; "" leaves the date unset.
func (d *Date) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b, "date")
	if err != nil {
		return err
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Month is a calendar month written "YYYY-MM", such as an intention's
// planned_month; it is held as the first day of the month, midnight CST.
// The zero Month is "not set".
type Month struct{ time.Time }

// ParseMonth reads "YYYY-MM"; "" gives the zero Month.
func ParseMonth(s string) (Month, error) {
	if s == "" {
		return Month{}, nil
	}
	t, err := parseExact(monthLayout, s)
	if err != nil {
		return Month{}, fmt.Errorf("regplatform: month %q: want YYYY-MM: %w", s, err)
	}
	return Month{t}, nil
}

// MonthOf cuts t to its month in CST, as the campus form's 计划采购日期 is cut
// to planned_month.
func MonthOf(t time.Time) Month {
	c := t.In(CST)
	return Month{time.Date(c.Year(), c.Month(), 1, 0, 0, 0, 0, CST)}
}

// String returns "YYYY-MM", or "" when not set.
func (m Month) String() string {
	if m.IsZero() {
		return ""
	}
	return m.In(CST).Format(monthLayout)
}

// MarshalJSON writes the wire form as a JSON string.
func (m Month) MarshalJSON() ([]byte, error) { return quote(m.String()), nil }

// UnmarshalJSON reads the wire form; "" leaves the month unset.
func (m *Month) UnmarshalJSON(b []byte) error {
	s, err := jsonString(b, "month")
	if err != nil {
		return err
	}
	v, err := ParseMonth(s)
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// parseExact reads s in layout as CST and refuses what time.Parse lets
// through beyond the wire form: a one-digit hour and fractional seconds.
func parseExact(layout, s string) (time.Time, error) {
	if len(s) != len(layout) {
		return time.Time{}, fmt.Errorf("want %d characters, got %d", len(layout), len(s))
	}
	return time.ParseInLocation(layout, s, CST)
}

func quote(s string) []byte {
	// Wire times, dates and months hold only digits, '-', ':' and ' '.
	return []byte(`"` + s + `"`)
}
