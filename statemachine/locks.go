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

// lockedStatuses maps each locked status label to its group; the labels come
// from the flows' tables.
var lockedStatuses = map[string]LockGroup{
	SingleSourceAwaitingPlatform.Label(): LockSingleSourcePublicity,
	SingleSourcePublicity.Label():        LockSingleSourcePublicity,
	SingleSourceCampus.Label():           LockSingleSourcePublicity,
	PlanDeclaring.Label():                LockPlanFiling,
	PlanExecuting.Label():                LockExecuting,
	ResultExecuting.Label():              LockExecuting,
}

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

// LockGroupOf returns the lock group of a status label as the host stores
// it (surrounding white space ignored); false when the status is not
// locked.
func LockGroupOf(status string) (LockGroup, bool) {
	g, ok := lockedStatuses[strings.TrimSpace(status)]
	return g, ok
}

// CheckMethodChange returns nil when a project in status (its label) may
// change its procurement method, and a *LockedError otherwise.
func CheckMethodChange(status string) error { return checkLocked(status, ActionChangeMethod) }

// CheckTermination returns nil when a project in status (its label) may be
// terminated, and a *LockedError otherwise.
func CheckTermination(status string) error { return checkLocked(status, ActionTerminate) }

func checkLocked(status string, action LockedAction) error {
	g, ok := LockGroupOf(status)
	if !ok {
		return nil
	}
	return &LockedError{Status: strings.TrimSpace(status), Group: g, Action: action}
}
