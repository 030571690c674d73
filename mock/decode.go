package mock

import (
	"bytes"
	"encoding/json"
	"math/big"
	"mime"
	"net/http"
	"strings"

	"github.com/zcbridge/zcbridge/regplatform"
)

// pushed is what the platform keeps of a decoded, valid push.
type pushed struct {
	sourceID string
	revision int
	// value is the body as a JSON value, for comparing resends.
	value any
	// publicityDays is the notice's 公示期 (single source only).
	publicityDays int
	// plan is the filing itself (plans only).
	plan *regplatform.PlanFiling
}

type validator interface{ Validate() error }

// The data side's Validate methods are what the platform checks with.
var (
	_ validator = (*regplatform.Intention)(nil)
	_ validator = (*regplatform.SingleSourceNotice)(nil)
	_ validator = (*regplatform.PlanFiling)(nil)
)

// decodePush decodes and validates a push body for flow: 1002 for a body
// that is not strict JSON of the flow's request, 1001 listing every failing
// field for one that breaks the contract's rules.
func decodePush(r *http.Request, flow regplatform.Flow, body []byte) (pushed, *apiError) {
	if e := checkContentType(r); e != nil {
		return pushed{}, e
	}

	var req validator
	switch flow {
	case regplatform.FlowIntention:
		req = &regplatform.Intention{}
	case regplatform.FlowSingleSource:
		req = &regplatform.SingleSourceNotice{}
	default:
		req = &regplatform.PlanFiling{}
	}

	if err := regplatform.Decode(body, req); err != nil {
		return pushed{}, fieldsError(flow, regplatform.CodeMalformedBody, "请求体格式错误", err)
	}
	if err := req.Validate(); err != nil {
		return pushed{}, fieldsError(flow, regplatform.CodeInvalidParams, "参数校验失败", err)
	}

	value, err := jsonValue(body)
	if err != nil {
		return pushed{}, newError(regplatform.CodeMalformedBody, "请求体格式错误")
	}
	in := pushed{value: value}
	switch v := req.(type) {
	case *regplatform.Intention:
		in.sourceID, in.revision = v.SourceID, v.Revision
	case *regplatform.SingleSourceNotice:
		in.sourceID, in.revision, in.publicityDays = v.SourceID, v.Revision, v.PublicityDays
	case *regplatform.PlanFiling:
		in.sourceID, in.revision, in.plan = v.SourceID, v.Revision, v
	}
	return in, nil
}

// checkContentType refuses a push that is not sent as UTF-8 JSON (1002).
func checkContentType(r *http.Request) *apiError {
	mt, params, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/json" {
		return newError(regplatform.CodeMalformedBody,
			"请求体格式错误: Content-Type 须为 application/json")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return newError(regplatform.CodeMalformedBody, "请求体格式错误: 字符集须为 utf-8")
	}
	return nil
}

// jsonValue decodes b into maps, slices, strings, booleans and json.Number,
// so that resends can be compared as values.
func jsonValue(b []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// sameValue reports whether two decoded JSON values are equal: key order and
// white space were already lost in decoding; numbers compare by value.
func sameValue(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, xv := range x {
			yv, ok := y[k]
			if !ok || !sameValue(xv, yv) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !sameValue(x[i], y[i]) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		if !ok {
			return false
		}
		xr, okx := new(big.Rat).SetString(string(x))
		yr, oky := new(big.Rat).SetString(string(y))
		if !okx || !oky {
			return x == y
		}
		return xr.Cmp(yr) == 0
	default:
		return a == b
	}
}
