package regplatform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"
)

// reservedFields lists, per request type, the field names the contract
// reserves for a later version and refuses today, with their Chinese names.
var reservedFields = map[reflect.Type]map[string]string{
	noticeType: {
		"experts":         "论证专家",
		"expert_opinions": "专家论证意见",
		"reason":          "申请理由",
		"other_matters":   "其他补充事宜",
	},
	reflect.TypeFor[NoticeItem](): {
		"tech_requirements": "简要技术要求",
		"usage":             "用途",
	},
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// Decode reads a request body strictly, as the platform does (code 1002):
// b must be one UTF-8 JSON value of at most MaxBodyBytes whose every field
// is known to v's type, spelt exactly, given once and of the right JSON type;
// money, quantities and months must be strings in their wire form. v must
// be a non-nil pointer, such as *Intention.
//
// A required boolean (centralized, entrusted) must be present: absent, it
// would read as false. Decode does not apply the field rules otherwise: call
// Validate on the result. On
// failure it returns a *ValidationError (wrapping ErrValidation) that lists
// every offending field by JSON path; the fields the single-source notice
// reserves for a later version (experts, expert_opinions, reason,
// other_matters, items[].tech_requirements, items[].usage) are reported as
// not pushed in this version. v is left unchanged unless Decode succeeds.
func Decode(b []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("regplatform: decode: need a non-nil pointer, got %T", v)
	}
	t := rv.Type().Elem()
	c := newChecker(requestKind(t), t)

	switch {
	case len(b) > MaxBodyBytes:
		return bodyTooLarge(c.kind, len(b))
	case !utf8.Valid(b):
		return bodyError(c.kind, "请求体须为UTF-8编码")
	case loneSurrogate(b):
		return bodyError(c.kind, "请求体含未配对的UTF-16代理项转义(\\uD800–\\uDFFF)")
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return bodyError(c.kind, "请求体不是有效的JSON: %v", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return bodyError(c.kind, "请求体在JSON值之后还有多余内容")
	}

	shapeOf(c, "", t, raw)
	if err := c.err(); err != nil {
		return err
	}

	// The shape is known good; decode for real into a fresh value so that v
	// is untouched on failure.
	out := reflect.New(t)
	strict := json.NewDecoder(bytes.NewReader(b))
	strict.DisallowUnknownFields()
	if err := strict.Decode(out.Interface()); err != nil {
		return bodyError(c.kind, "请求体无法解码: %v", err)
	}
	rv.Elem().Set(out.Elem())
	return nil
}

// shapeOf checks that raw has the JSON shape type t expects, recording each
// mismatch at path.
func shapeOf(c *checker, path string, t reflect.Type, raw json.RawMessage) {
	got := jsonKind(raw)
	if reflect.PointerTo(t).Implements(unmarshalerType) {
		shapeOfWireValue(c, path, t, raw, got)
		return
	}

	switch t.Kind() {
	case reflect.Pointer:
		if got != "null" {
			shapeOf(c, path, t.Elem(), raw)
		}
	case reflect.Struct:
		if got != "对象" {
			c.fail(path, "须为对象, 实际为%s", got)
			return
		}
		shapeOfObject(c, path, t, raw)
	case reflect.Slice:
		if got != "数组" {
			c.fail(path, "须为数组, 实际为%s", got)
			return
		}
		var elems []json.RawMessage
		if err := json.Unmarshal(raw, &elems); err != nil {
			c.fail(path, "无法解码: %v", err)
			return
		}
		for i, e := range elems {
			shapeOf(c, at(path, i), t.Elem(), e)
		}
	case reflect.String:
		if got != "字符串" {
			c.fail(path, "须为字符串, 实际为%s", got)
		}
	case reflect.Bool:
		if got != "布尔值" {
			c.fail(path, "须为布尔值true或false, 实际为%s", got)
		}
	case reflect.Int, reflect.Int32, reflect.Int64:
		if _, err := strconv.ParseInt(string(raw), 10, t.Bits()); err != nil {
			c.fail(path, "须为整数, 实际%s", truncate(raw))
		}
	default:
		if err := json.Unmarshal(raw, reflect.New(t).Interface()); err != nil {
			c.fail(path, "无法解码: %v", err)
		}
	}
}

// shapeOfWireValue checks raw against t, a type that decodes itself. A
// value of the wrong JSON type is reported as such; a string in the wrong
// form gets the form it should be written in, when there is one.
func shapeOfWireValue(c *checker, path string, t reflect.Type, raw json.RawMessage,
	got string) {
	u := reflect.New(t).Interface().(json.Unmarshaler)
	err := u.UnmarshalJSON(raw)
	if err == nil {
		return
	}
	form, isString := stringWireForm(t)
	switch {
	case !isString:
		c.fail(path, "%s, 实际%s", err.Error(), truncate(raw))
	case got == "null":
		c.fail(path, "须为JSON字符串(%s), 实际为null", form)
	case got != "字符串":
		c.fail(path, "须为JSON字符串(%s), 实际为%s%s", form, got, truncate(raw))
	default:
		msg := fmt.Sprintf("须为%s, 实际%s", form, truncate(raw))
		if s := shortestSpelling(t, raw); s != "" {
			msg += fmt.Sprintf(`, 应写作"%s"`, s)
		}
		c.fail(path, "%s", msg)
	}
}

// shortestSpelling returns the wire form of the amount or quantity raw
// spells in another way that ParseMoney or ParseQuantity accepts, such as
// "1" for "1.0"; "" when raw is not such a spelling.
func shortestSpelling(t reflect.Type, raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	switch t {
	case reflect.TypeFor[Money]():
		if m, err := ParseMoney(s); err == nil && m.String() != s {
			return m.String()
		}
	case reflect.TypeFor[Quantity]():
		if q, err := ParseQuantity(s); err == nil && q.String() != s {
			return q.String()
		}
	}
	return ""
}

// shapeOfObject walks the members of a JSON object against struct type t,
// reporting unknown, reserved and repeated names.
func shapeOfObject(c *checker, path string, t reflect.Type, raw json.RawMessage) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if _, err := dec.Token(); err != nil { // the opening brace
		c.fail(path, "无法解码: %v", err)
		return
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			c.fail(path, "无法解码: %v", err)
			return
		}
		name, _ := tok.(string)
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			c.fail(path, "无法解码: %v", err)
			return
		}

		p := name
		if path != "" {
			p = path + "." + name
		}
		if seen[name] {
			c.fail(p, "字段重复出现")
			continue
		}
		seen[name] = true

		if f, ok := jsonField(t, name); ok {
			shapeOf(c, p, f.Type, val)
			continue
		}
		if label, ok := reservedFields[t][name]; ok {
			c.fields = append(c.fields, FieldError{
				Field:   p,
				Label:   label,
				Message: "本版本不推送该字段(字段名为后续版本保留), 请勿发送",
			})
			continue
		}
		c.fail(p, "未知字段")
	}
	missingBooleans(c, path, t, seen)
}

// missingBooleans reports the required booleans of struct type t that the
// object left out. Any other required field that is absent decodes to a
// zero value the field rules refuse; an absent boolean would decode to
// false and pass unnoticed.
func missingBooleans(c *checker, path string, t reflect.Type, seen map[string]bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		name := jsonName(f)
		if !f.IsExported() || name == "" || f.Type.Kind() != reflect.Bool ||
			strings.Contains(f.Tag.Get("json"), ",omitempty") || seen[name] {
			continue
		}
		p := name
		if path != "" {
			p = path + "." + name
		}
		c.fail(p, "必填, 须为布尔值true或false")
	}
}

// jsonKind names the JSON type of raw, in the words of the messages.
func jsonKind(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "空"
	}
	switch raw[0] {
	case '{':
		return "对象"
	case '[':
		return "数组"
	case '"':
		return "字符串"
	case 't', 'f':
		return "布尔值"
	case 'n':
		return "null"
	}
	return "数字"
}

// stringWireForm describes the JSON string form type t is written in on the
// wire, and reports whether t is written as a JSON string.
func stringWireForm(t reflect.Type) (string, bool) {
	switch t {
	case reflect.TypeFor[Money]():
		return `两位小数的金额字符串, 如"4000000.00"`, true
	case reflect.TypeFor[Quantity]():
		return `最简写法、至多4位小数的数量字符串, 如"2.5"`, true
	case reflect.TypeFor[Month]():
		return `"YYYY-MM"格式的月份字符串`, true
	case reflect.TypeFor[Date]():
		return `"YYYY-MM-DD"格式的日期字符串`, true
	case reflect.TypeFor[Time]():
		return `"YYYY-MM-DD HH:mm:ss"格式的时间字符串`, true
	}
	return "", false
}

// loneSurrogate reports whether the JSON text b holds a \uD800–\uDFFF
// escape that is not half of a surrogate pair. encoding/json reads such an
// escape as U+FFFD, so the platform would receive other text than was
// written.
func loneSurrogate(b []byte) bool {
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := escapedUnit(b, i)
		if !ok {
			i++ // the escaped character, such as \\ or \"
			continue
		}
		i += 5 // on the escape's last hex digit
		switch {
		case r < 0xD800 || r > 0xDFFF:
		case r >= 0xDC00:
			return true
		default:
			low, ok := escapedUnit(b, i+1)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

// escapedUnit reads the \uXXXX escape that starts at b[i].
func escapedUnit(b []byte, i int) (rune, bool) {
	if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
		return 0, false
	}
	v, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}
