package mock

import (
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// publicityDeadline returns 23:59:59 CST on the days-th working day after the
// day of publication, that day not counted.
//
// Not yet: working days are Monday to Friday; public holidays and the
// weekend days worked in their place (调休) are not known to the mock.
func publicityDeadline(publishedAt time.Time, days int) time.Time {
	c := publishedAt.In(regplatform.CST)
	day := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, regplatform.CST)
	for n := 0; n < days; {
		day = day.AddDate(0, 0, 1)
		if wd := day.Weekday(); wd != time.Saturday && wd != time.Sunday {
			n++
		}
	}
	return day.Add(24*time.Hour - time.Second)
}
