package regplatform_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Instants of the CST checks, as Unix seconds.
const (
	unix20261203T10CST = 1796263200 // 2026-12-03 10:00:00 CST = 02:00 UTC
	unix20261203CST    = 1796227200 // 2026-12-03 00:00:00 CST
	unix20260701T08CST = 1782864000 // 2026-07-01 08:00:00 CST = 00:00 UTC
)

// checkCST holds the checks that must give the same answers whatever the
// machine's zone.
func checkCST(t *testing.T) {
	tm, err := regplatform.ParseTime("2026-12-03 10:00:00")
	require.NoError(t, err)
	assert.Equal(t, int64(unix20261203T10CST), tm.Unix())
	assert.Equal(t, "2026-12-03 10:00:00", tm.String())

	// July, when New York keeps daylight saving time.
	summer := regplatform.NewTime(time.Unix(unix20260701T08CST, 0))
	assert.Equal(t, "2026-07-01 08:00:00", summer.String())
	b, err := json.Marshal(summer)
	require.NoError(t, err)
	assert.Equal(t, `"2026-07-01 08:00:00"`, string(b))

	d, err := regplatform.ParseDate("2026-12-03")
	require.NoError(t, err)
	assert.Equal(t, int64(unix20261203CST), d.Unix())
	assert.Equal(t, "2026-12-03", d.String())

	m, err := regplatform.ParseMonth("2026-12")
	require.NoError(t, err)
	assert.Equal(t, "2026-12", m.String())

	// 20:00 UTC on 31 January is already 1 February in China.
	late := time.Date(2026, time.January, 31, 20, 0, 0, 0, time.UTC)
	assert.Equal(t, "2026-02", regplatform.MonthOf(late).String())
	assert.Equal(t, "2026-02-01 04:00:00", regplatform.NewTime(late).String())
}

func TestCSTWithOtherLocal(t *testing.T) {
	saved := time.Local
	t.Cleanup(func() { time.Local = saved })
	time.Local = time.FixedZone("EST", -5*60*60)

	checkCST(t)
}

// TestCSTWithoutTZData runs checkCST in a child process whose TZ is
// America/New_York and whose ZONEINFO points nowhere.
func TestCSTWithoutTZData(t *testing.T) {
	if os.Getenv("REGPLATFORM_CST_CHILD") == "1" {
		_, offset := time.Unix(unix20260701T08CST, 0).In(time.Local).Zone()
		require.NotEqual(t, 8*60*60, offset, "the child must not run in China's zone")
		checkCST(t)
		return
	}
	exe, err := os.Executable()
	require.NoError(t, err)

	cmd := exec.Command(exe, "-test.run=^TestCSTWithoutTZData$", "-test.count=1")
	cmd.Env = append(os.Environ(), "REGPLATFORM_CST_CHILD=1",
		"TZ=America/New_York", "ZONEINFO=/nonexistent")
	out, err := cmd.CombinedOutput()
	assert.NoError(t, err, "child output:\n%s", out)
	assert.Contains(t, string(out), "PASS")
}

func TestCSTJSON(t *testing.T) {
	var tm regplatform.Time
	require.NoError(t, json.Unmarshal([]byte(`"2026-12-03 10:00:00"`), &tm))
	assert.Equal(t, int64(unix20261203T10CST), tm.Unix())

	require.NoError(t, json.Unmarshal([]byte(`""`), &tm))
	assert.True(t, tm.IsZero())
	b, err := json.Marshal(tm)
	require.NoError(t, err)
	assert.Equal(t, `""`, string(b))

	bad := []struct {
		name string
		into any
		wire string
	}{
		{"time as number", new(regplatform.Time), `1796263200`},
		{"time in RFC 3339", new(regplatform.Time), `"2026-12-03T10:00:00+08:00"`},
		{"time without seconds", new(regplatform.Time), `"2026-12-03 10:00"`},
		{"time with fractional seconds", new(regplatform.Time), `"2026-12-03 10:00:00.5"`},
		{"time with a one-digit hour", new(regplatform.Time), `"2026-12-03 9:00:00"`},
		{"time with surrounding space", new(regplatform.Time), `" 2026-12-03 10:00:00"`},
		{"date with time", new(regplatform.Date), `"2026-12-03 10:00:00"`},
		{"date as number", new(regplatform.Date), `20261203`},
		{"month as date", new(regplatform.Month), `"2026-12-03"`},
		{"month out of range", new(regplatform.Month), `"2026-13"`},
		{"month as null", new(regplatform.Month), `null`},
	}
	for _, tc := range bad {
		t.Run(tc.name, func(t *testing.T) {
			assert.Error(t, json.Unmarshal([]byte(tc.wire), tc.into))
		})
	}
}

func TestCSTZeroValues(t *testing.T) {
	assert.Equal(t, "", regplatform.Time{}.String())
	assert.Equal(t, "", regplatform.Date{}.String())
	assert.Equal(t, "", regplatform.Month{}.String())

	m, err := regplatform.ParseMonth("")
	require.NoError(t, err)
	assert.True(t, m.IsZero())
}
