package mock

import (
	"errors"
	"strings"

	"github.com/zcbridge/zcbridge/regplatform"
)

// reservedNames are the single-source fields that §2.6.2 reserves for a
// later version, by JSON path without indices, with their Chinese names.
var reservedNames = map[string]string{
	"experts":                 "论证专家",
	"expert_opinions":         "专家论证意见",
	"reason":                  "申请理由",
	"other_matters":           "其他补充事宜",
	"items.tech_requirements": "简要技术要求",
	"items.usage":             "用途",
}

// fieldsError answers code with data.errors taken from a ValidationError.
// Each entry is {"field", "message"}: the message states the rule only,
// because a client names the field from its own types. A reserved
// single-source field, which no client type has, is named in its message.
func fieldsError(flow regplatform.Flow, code, message string, err error) *apiError {
	e := newError(code, message)
	var ve *regplatform.ValidationError
	if !errors.As(err, &ve) {
		e.message = message + ": " + strings.TrimPrefix(err.Error(), "regplatform: ")
		return e
	}
	details := regplatform.ValidationDetails{Errors: []regplatform.WireFieldError{}}
	for _, f := range ve.Fields {
		msg := f.Message
		if label, ok := reservedField(flow, f.Field); ok {
			msg = label + "本期不推送(字段名为后续版本保留), 请勿发送"
		}
		details.Errors = append(details.Errors, regplatform.WireFieldError{
			Field: f.Field, Message: msg,
		})
	}
	e.data = details
	return e
}

// reservedField reports whether path, such as "items[2].usage", names a
// field reserved on flow's requests, and returns its Chinese name.
func reservedField(flow regplatform.Flow, path string) (string, bool) {
	if flow != regplatform.FlowSingleSource {
		return "", false
	}
	var b strings.Builder
	for {
		open := strings.IndexByte(path, '[')
		if open < 0 {
			b.WriteString(path)
			break
		}
		b.WriteString(path[:open])
		end := strings.IndexByte(path[open:], ']')
		if end < 0 {
			return "", false
		}
		path = path[open+end+1:]
	}
	label, ok := reservedNames[b.String()]
	return label, ok
}
