package mysqlstore

import (
	"fmt"
	"time"
)

// datetimeLayout is how the store writes DATETIME(6) values, always in UTC.
const datetimeLayout = "2006-01-02 15:04:05.000000"

// dbTime formats t as a DATETIME(6) literal in UTC. Passing text rather
// than time.Time keeps the stored instant independent of the DSN's loc.
func dbTime(t time.Time) string {
	return t.UTC().Format(datetimeLayout)
}

// utcTime scans a DATETIME(6) column written by dbTime, whether the driver
// hands it over as text (parseTime=false) or as a time.Time whose wall clock
// it placed in the DSN's loc (parseTime=true). NULL scans as the zero time.
type utcTime struct{ t *time.Time }

// Scan implements sql.Scanner.
func (u utcTime) Scan(src any) error {
	switch v := src.(type) {
	case nil:
		*u.t = time.Time{}
	case time.Time:
		*u.t = time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(),
			v.Nanosecond(), time.UTC)
	case []byte:
		return u.parse(string(v))
	case string:
		return u.parse(v)
	default:
		return fmt.Errorf("mysqlstore: cannot scan %T as a time", src)
	}
	return nil
}

func (u utcTime) parse(s string) error {
	t, err := time.ParseInLocation("2006-01-02 15:04:05.999999", s, time.UTC)
	if err != nil {
		return fmt.Errorf("mysqlstore: parse time %q: %w", s, err)
	}
	*u.t = t
	return nil
}
