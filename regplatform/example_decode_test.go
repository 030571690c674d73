package regplatform_test

import (
	"errors"
	"fmt"

	"github.com/zcbridge/zcbridge/regplatform"
)

// A campus system that imports intentions in bulk checks each row with
// Decode (the wire form) and then Validate (the field rules), and shows the
// clerk every failing field with its Chinese label.
func ExampleDecode() {
	row := []byte(`{"source_id":"YX2026-07","revision":1,"org_code":"330000-UNIV-0117",
		"org_name":"某省示范大学","title":"2026年7月采购意向",
		"items":[{"item_id":"A1","project_name":"显微镜","category_code":"A0210",
		"category_name":"光学仪器","budget_amount":"98000.00","planned_month":"2026-07",
		"quantity":"2","unit":"台","content":"","function_goal":"教学",
		"requirements":"物镜100倍"}]}`)

	var r regplatform.Intention
	err := regplatform.Decode(row, &r)
	if err == nil {
		err = r.Validate()
	}

	var ve *regplatform.ValidationError
	if errors.As(err, &ve) {
		for _, f := range ve.Fields {
			fmt.Printf("%s【%s】%s\n", f.Field, f.Label, f.Message)
		}
	}
	// Output:
	// items[0].content【采购内容】必填
}
