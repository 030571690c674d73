package regplatform

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// ErrInvalidIdentifier reports a source_id or item_id that breaks the
// identifier rule of contract §4: 1 to 64 characters of A-Z a-z 0-9 _ -.
var ErrInvalidIdentifier = errors.New("regplatform: invalid identifier")

// Identifier limits of contract §4.
const (
	// MaxIdentifierLen is the longest source_id or item_id, in characters.
	MaxIdentifierLen = 64
)

var categoryPattern = regexp.MustCompile(`^[ABC][0-9]+$`)

// CheckSourceID reports whether id follows the identifier rule of contract
// §4 (1 to 64 characters of A-Z a-z 0-9 _ -). It returns nil or an error
// wrapping ErrInvalidIdentifier that says which part of the rule is broken.
func CheckSourceID(id string) error {
	if msg := identifierProblem(id); msg != "" {
		return fmt.Errorf("%w %q: %s", ErrInvalidIdentifier, id, msg)
	}
	return nil
}

// identifierProblem returns the broken part of the identifier rule, or "".
func identifierProblem(id string) string {
	if id == "" {
		return "必填"
	}
	if hasOuterSpace(id) {
		return "首尾不得有空白字符"
	}
	for _, r := range id {
		if !isIdentifierRune(r) {
			return fmt.Sprintf("含不允许的字符%q, 只允许A-Z a-z 0-9 _ -", r)
		}
	}
	if n := len(id); n > MaxIdentifierLen {
		// Every allowed character is one byte, so bytes count characters.
		return fmt.Sprintf("长度须为1–%d个字符, 实际%d", MaxIdentifierLen, n)
	}
	return ""
}

func isIdentifierRune(r rune) bool {
	return r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' ||
		r == '_' || r == '-'
}

func hasOuterSpace(s string) bool {
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return unicode.IsSpace(first) || unicode.IsSpace(last)
}

// checker collects every failing field of one request, each with its JSON
// path and the Chinese label read from the request struct's label tags.
type checker struct {
	kind   string
	root   reflect.Type
	fields []FieldError
}

func newChecker(kind string, root reflect.Type) *checker {
	return &checker{kind: kind, root: root}
}

// fail records that the field at path breaks a rule.
func (c *checker) fail(path, format string, args ...any) {
	c.fields = append(c.fields, FieldError{
		Field:   path,
		Label:   fieldLabel(c.root, path),
		Message: fmt.Sprintf(format, args...),
	})
}

// err returns nil when no field failed, or the *ValidationError.
func (c *checker) err() error {
	if len(c.fields) == 0 {
		return nil
	}
	return &ValidationError{Kind: c.kind, Fields: c.fields}
}

// text checks a free-text field: valid UTF-8, min to max characters, and,
// when required (min > 0), not only white space.
func (c *checker) text(path, s string, min, max int) {
	if !utf8.ValidString(s) {
		c.fail(path, "须为有效的UTF-8文本")
		return
	}
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0 && min > 0:
		c.fail(path, "必填")
	case n < min || n > max:
		if min == 0 {
			c.fail(path, "长度不得超过%d个字符, 实际%d", max, n)
		} else {
			c.fail(path, "长度须为%d–%d个字符, 实际%d", min, max, n)
		}
	case min > 0 && strings.TrimSpace(s) == "":
		c.fail(path, "不能只含空白字符")
	}
}

// code checks a code such as org_code: like text, and without leading or
// trailing white space.
func (c *checker) code(path, s string, min, max int) {
	if s != "" && utf8.ValidString(s) && hasOuterSpace(s) {
		c.fail(path, "首尾不得有空白字符")
		return
	}
	c.text(path, s, min, max)
}

// identifier checks a source_id or item_id.
func (c *checker) identifier(path, s string) {
	if msg := identifierProblem(s); msg != "" {
		c.fail(path, "%s", msg)
	}
}

// category checks a 采购品目 code: A, B or C followed by digits.
func (c *checker) category(path, s string) {
	switch {
	case s == "":
		c.fail(path, "必填")
	case hasOuterSpace(s):
		c.fail(path, "首尾不得有空白字符")
	case !categoryPattern.MatchString(s):
		c.fail(path, "须为A、B或C后接数字(如A02010104), 实际%q", s)
	}
}

// creditCode checks a 统一社会信用代码.
func (c *checker) creditCode(path, s string) {
	if msg := creditCodeProblem(s); msg != "" {
		c.fail(path, "%s", msg)
	}
}

// money checks an amount: set, greater than 0 and below 10^12 元.
func (c *checker) money(path string, m Money) {
	switch {
	case !m.IsSet():
		c.fail(path, "必填")
	case !m.InRange():
		c.fail(path, "须大于0且小于1000000000000元, 实际%s", m)
	}
}

// quantity checks a quantity: set and greater than 0. A Quantity never
// holds more than four decimals: ParseQuantity refuses them.
func (c *checker) quantity(path string, q Quantity) {
	switch {
	case !q.IsSet():
		c.fail(path, "必填")
	case !q.Decimal().IsPositive():
		c.fail(path, "须大于0, 实际%s", q)
	}
}

// month checks that a month is set.
func (c *checker) month(path string, m Month) {
	if m.IsZero() {
		c.fail(path, "必填")
	}
}

// count checks the number of entries of an array.
func (c *checker) count(path string, n, min, max int) {
	if n < min || n > max {
		c.fail(path, "须有%d–%d项, 实际%d项", min, max, n)
	}
}

// revision checks a push revision: an integer of at least 1.
func (c *checker) revision(path string, n int) {
	if n < 1 {
		c.fail(path, "须为不小于1的整数, 实际%d", n)
	}
}

// unique reports a value already seen at an earlier path of the same
// request; seen maps each value to the path where it first appeared.
func (c *checker) unique(seen map[string]string, path, value string) {
	if value == "" {
		return
	}
	if first, ok := seen[value]; ok {
		c.fail(path, "须在请求内唯一, 与%s重复", first)
		return
	}
	seen[value] = path
}

// lineAmount checks that amount equals unitPrice × quantity rounded half-up
// to 0.01. Operands that are not set or out of range were reported already
// and make the product meaningless, so the check is skipped.
func (c *checker) lineAmount(path string, amount, unitPrice Money, qty Quantity) {
	if !amount.IsSet() || !unitPrice.InRange() || !qty.IsSet() || !qty.Decimal().IsPositive() {
		return
	}
	want := LineAmount(unitPrice, qty)
	if !amount.Equal(want) {
		c.fail(path, "须等于unit_price × quantity四舍五入到0.01, 即%s, 实际%s", want, amount)
	}
}

// sum checks that total equals the sum of parts; what names the parts in
// the message, such as "items[].amount". A part that is not set was
// reported already and makes the sum meaningless, so it is skipped.
func (c *checker) sum(path string, total Money, what string, parts []Money) {
	if !total.IsSet() {
		return
	}
	var s Money
	for _, p := range parts {
		if !p.IsSet() {
			return
		}
		s = s.Add(p)
	}
	if !total.Equal(s) {
		c.fail(path, "须等于%s之和%s, 实际%s", what, s, total)
	}
}

func at(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// labelKey is a request type and a JSON path without indices.
type labelKey struct {
	root reflect.Type
	path string
}

var labelCache sync.Map // labelKey → string

// fieldLabel returns the label tag of the field that path names inside root,
// such as "预算金额(元)" for "items[0].budget_amount", or "" when path names
// no tagged field.
func fieldLabel(root reflect.Type, path string) string {
	key := labelKey{root: root, path: stripIndices(path)}
	if v, ok := labelCache.Load(key); ok {
		return v.(string)
	}
	label := lookupLabel(root, key.path)
	labelCache.Store(key, label)
	return label
}

func lookupLabel(t reflect.Type, path string) string {
	if path == "" {
		return ""
	}
	var label string
	for _, name := range strings.Split(path, ".") {
		t = elemStruct(t)
		if t == nil {
			return ""
		}
		f, ok := jsonField(t, name)
		if !ok {
			return ""
		}
		label, t = f.Tag.Get("label"), f.Type
	}
	return label
}

// elemStruct unwraps pointers and slices down to a struct type, or nil.
func elemStruct(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	return t
}

// jsonField finds the exported field whose json tag name is name.
func jsonField(t reflect.Type, name string) (reflect.StructField, bool) {
	return fieldNamed(t, name, jsonName)
}

// fieldNamed finds the exported field whose wire name, as nameOf reads it,
// is name.
func fieldNamed(t reflect.Type, name string,
	nameOf func(reflect.StructField) string) (reflect.StructField, bool) {
	for i := range t.NumField() {
		f := t.Field(i)
		if f.IsExported() && nameOf(f) == name {
			return f, true
		}
	}
	return reflect.StructField{}, false
}

// jsonName is the field's name in a JSON body, or "" for a field left out.
func jsonName(f reflect.StructField) string { return tagName(f, "json") }

// queryName is the field's name in a query string (go-querystring's url
// tag), or "" for a field left out.
func queryName(f reflect.StructField) string { return tagName(f, "url") }

func tagName(f reflect.StructField, key string) string {
	tag := f.Tag.Get(key)
	if tag == "-" {
		return ""
	}
	name, _, _ := strings.Cut(tag, ",")
	if name == "" {
		return f.Name
	}
	return name
}

// queryLabel returns the label tag of the query parameter name of the
// options type t, such as "页码" for ListOptions' "page_no".
func queryLabel(t reflect.Type, name string) string {
	f, _ := fieldNamed(t, name, queryName)
	return f.Tag.Get("label")
}

// stripIndices turns "packages[1].items[0].amount" into
// "packages.items.amount".
func stripIndices(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	skip := false
	for _, r := range path {
		switch {
		case r == '[':
			skip = true
		case r == ']':
			skip = false
		case !skip:
			b.WriteRune(r)
		}
	}
	return b.String()
}
