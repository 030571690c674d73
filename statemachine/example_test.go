package statemachine_test

import (
	"errors"
	"fmt"

	"github.com/zcbridge/zcbridge/regplatform"
	"github.com/zcbridge/zcbridge/statemachine"
)

// The host reads the status from its own column, fires the event and writes
// the new status with a compare-and-set on the old one.
func ExampleMachine_Fire() {
	from, err := statemachine.ParseIntentionState("发布失败")
	if err != nil {
		panic(err)
	}
	t, err := statemachine.Intention.Choose(from, statemachine.EventPushToPlatform, nil)
	if err != nil {
		panic(err)
	}
	fmt.Println(t.To.Label(), t.NextRevision)
	// UPDATE intention SET status = t.To, revision = revision + 1
	//  WHERE id = ? AND status = from

	_, err = statemachine.Intention.Fire(statemachine.IntentionPublished,
		statemachine.EventEdit, nil)
	fmt.Println(errors.Is(err, &statemachine.ErrEventNotAllowed{}))
	// Output:
	// 采购监管平台发布中 true
	// true
}

func ExampleThresholds_Reportable() {
	th, err := statemachine.ParseThresholds("A:1000000,B:1000000,C:1000000,JC:1")
	if err != nil {
		panic(err)
	}
	for _, budget := range []string{"999999.99", "1000000.00"} {
		ok, err := th.Reportable("C0203", regplatform.MustMoney(budget), false)
		if err != nil {
			panic(err)
		}
		fmt.Println(budget, ok)
	}
	// Output:
	// 999999.99 false
	// 1000000.00 true
}

func ExampleCheckTermination() {
	err := statemachine.CheckTermination("采购监管平台执行中")
	var locked *statemachine.LockedError
	if errors.As(err, &locked) {
		fmt.Println(locked.Group)
	}
	fmt.Println(statemachine.CheckTermination("待公开") == nil)
	// Output:
	// 采购执行中
	// true
}
