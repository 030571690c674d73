package statemachine

import (
	"errors"
	"fmt"
	"strings"
)

// LockGroup names a group of statuses in which a project may neither change
// its procurement method nor be terminated, in the requirement's words.
type LockGroup string

// Lock groups.
const (
	// LockSingleSourcePublicity is 单一来源公示中: 采购监管平台单一来源公示,
	// 单一来源公示发布中, 校内单一来源公示.
	LockSingleSourcePublicity LockGroup = "单一来源公示中"
	// LockPlanFiling is 采购计划备案中: 采购计划申报中.
	LockPlanFiling LockGroup = "采购计划备案中"
	// LockExecuting is 采购执行中: 采购监管平台执行中.
	LockExecuting LockGroup = "采购执行中"
)

// lockedStatuses maps every name a host may store for a locked status to
// its group: the Chinese label, the workflow node, an older wording and the
// English name, all taken from the flows' tables, so that a status the
// Parse functions read as a locked state is locked here too.
var lockedStatuses = func() map[string]LockGroup {
	m := make(map[string]LockGroup)
	add := func(g LockGroup, names ...string) {
		for _, n := range names {
			m[n] = g
		}
	}
	for _, s := range []SingleSourceState{
		SingleSourceAwaitingPlatform, SingleSourcePublicity, SingleSourceCampus,
	} {
		add(LockSingleSourcePublicity, s.Label(), s.String())
	}
	plan := map[PlanState]LockGroup{PlanDeclaring: LockPlanFiling, PlanExecuting: LockExecuting}
	for s, g := range plan {
		add(g, s.Label(), s.Node(), s.String())
	}
	for alias, s := range planStateAliases {
		if g, ok := plan[s]; ok {
			add(g, alias)
		}
	}
	add(LockExecuting, ResultExecuting.Label(), ResultExecuting.String())
	return m
}()

// LockedAction is what the locked-state rule forbids.
type LockedAction string

// Locked actions.
const (
	// ActionChangeMethod is 修改采购方式.
	ActionChangeMethod LockedAction = "修改采购方式"
	// ActionTerminate is 终止采购项目.
	ActionTerminate LockedAction = "终止采购项目"
)

// ErrLocked is the class of every refusal by the locked-state rule. Match it
// with errors.Is; the error is a *LockedError.
var ErrLocked = errors.New("statemachine: project is locked")

// LockedError refuses an action on a project in a locked status.
type LockedError struct {
	// Status is the project's status label, such as "采购计划申报中".
	Status string
	// Group is the lock group the status belongs to.
	Group LockGroup
	// Action is what was refused.
	Action LockedAction
}

// Error names the status, its group and the refused action.
func (e *LockedError) Error() string {
	what := "change its procurement method"
	if e.Action == ActionTerminate {
		what = "be terminated"
	}
	return fmt.Sprintf("statemachine: a project in status %q (%s) may not %s; "+
		"「%s」的项目不允许%s", e.Status, e.Group, what, e.Group, e.Action)
}

// Is makes errors.Is(err, ErrLocked) true.
func (e *LockedError) Is(target error) bool { return target == ErrLocked }

// LockGroupOf returns the lock group of a status as the host stores it: its
// Chinese label, its workflow node, an older wording or its English name,
// surrounding white space ignored. It returns false when the status is not
// locked, including for a text that names no status at all.
func LockGroupOf(status string) (LockGroup, bool) {
	g, ok := lockedStatuses[strings.TrimSpace(status)]
	return g, ok
}

// CheckMethodChange returns nil when a project in status (any name
// LockGroupOf reads) may change its procurement method, and a *LockedError
// otherwise.
func CheckMethodChange(status string) error { return checkLocked(status, ActionChangeMethod) }

// CheckTermination returns nil when a project in status (any name
// LockGroupOf reads) may be terminated, and a *LockedError otherwise.
func CheckTermination(status string) error { return checkLocked(status, ActionTerminate) }

func checkLocked(status string, action LockedAction) error {
	g, ok := LockGroupOf(status)
	if !ok {
		return nil
	}
	return &LockedError{Status: strings.TrimSpace(status), Group: g, Action: action}
}
