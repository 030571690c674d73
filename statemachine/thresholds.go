package statemachine

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/zcbridge/zcbridge/regplatform"
)

// ErrThresholds reports a thresholds configuration that cannot be used.
// Match it with errors.Is; parse failures are *ThresholdsError.
var ErrThresholds = errors.New("statemachine: invalid thresholds")

// ErrCategoryCode reports a 采购品目 code whose first letter is not a
// category class (A 货物, B 工程, C 服务).
var ErrCategoryCode = errors.New("statemachine: category code has no class A, B or C")

// Threshold keys of the configuration: the three category classes and JC,
// the limit for items in the centralized-procurement catalogue.
const (
	ClassGoods        = "A"  // 货物
	ClassWorks        = "B"  // 工程
	ClassServices     = "C"  // 服务
	ClassCentralized  = "JC" // 集中采购目录内品目
	thresholdKeysText = "A, B, C, JC"
)

var (
	thresholdKeys   = []string{ClassGoods, ClassWorks, ClassServices, ClassCentralized}
	thresholdAmount = regexp.MustCompile(`^[0-9]+(\.[0-9]{1,2})?$`)
)

// ThresholdsError names the part of a configuration at fault.
type ThresholdsError struct {
	// Part is the faulty "key:amount" part as written, or the missing key.
	Part string
	// Reason says what is wrong with it.
	Reason string
}

// Error names the part and the reason.
func (e *ThresholdsError) Error() string {
	return fmt.Sprintf("statemachine: thresholds: %q: %s", e.Part, e.Reason)
}

// Is makes errors.Is(err, ErrThresholds) true.
func (e *ThresholdsError) Is(target error) bool { return target == ErrThresholds }

// Thresholds are the government-procurement limits in 元 per category class,
// plus JC for catalogue items, as configured in the form
// "A:1000000,B:1000000,C:1000000,JC:1". The zero Thresholds is not
// configured: its methods fail with ErrThresholds.
type Thresholds struct {
	limits map[string]decimal.Decimal
}

// ParseThresholds reads "A:…,B:…,C:…,JC:…": comma-separated key:amount parts
// in any order, white space around parts, keys and amounts ignored, amounts
// in 元 with at most two fractional digits. It fails with a *ThresholdsError
// naming the part at fault for an empty part, an unknown or repeated key, a
// negative or malformed amount, and for each of A, B, C and JC missing.
func ParseThresholds(s string) (Thresholds, error) {
	limits := make(map[string]decimal.Decimal, len(thresholdKeys))
	if strings.TrimSpace(s) == "" {
		return Thresholds{}, &ThresholdsError{Part: s, Reason: "configuration is empty"}
	}

	for _, raw := range strings.Split(s, ",") {
		part := strings.TrimSpace(raw)
		key, amount, ok := strings.Cut(part, ":")
		key, amount = strings.TrimSpace(key), strings.TrimSpace(amount)
		switch {
		case part == "":
			return Thresholds{}, &ThresholdsError{Part: raw, Reason: "empty part"}
		case !ok:
			return Thresholds{}, &ThresholdsError{Part: part, Reason: "want key:amount"}
		case !knownKey(key):
			return Thresholds{}, &ThresholdsError{
				Part:   part,
				Reason: fmt.Sprintf("unknown key %q (keys are %s)", key, thresholdKeysText),
			}
		case hasKey(limits, key):
			return Thresholds{}, &ThresholdsError{Part: part, Reason: "key " + key + " given twice"}
		case strings.HasPrefix(amount, "-"):
			return Thresholds{}, &ThresholdsError{Part: part, Reason: "negative amount"}
		case !thresholdAmount.MatchString(amount):
			return Thresholds{}, &ThresholdsError{
				Part: part, Reason: "amount must be 元 with at most two fractional digits",
			}
		}
		d, err := decimal.NewFromString(amount)
		if err != nil {
			return Thresholds{}, &ThresholdsError{Part: part, Reason: "malformed amount"}
		}
		limits[key] = d
	}

	for _, k := range thresholdKeys {
		if !hasKey(limits, k) {
			return Thresholds{}, &ThresholdsError{Part: k, Reason: "key " + k + " is missing"}
		}
	}
	return Thresholds{limits: limits}, nil
}

// MustParseThresholds is ParseThresholds for constants; it panics on error.
func MustParseThresholds(s string) Thresholds {
	t, err := ParseThresholds(s)
	if err != nil {
		panic(err)
	}
	return t
}

// Limit returns the limit for key (A, B, C or JC); false when the key is
// unknown or the thresholds are not configured.
func (t Thresholds) Limit(key string) (decimal.Decimal, bool) {
	d, ok := t.limits[key]
	return d, ok
}

// String returns the configuration in its canonical form, keys in the order
// A, B, C, JC and amounts with two fractional digits; "" when not configured.
func (t Thresholds) String() string {
	if t.limits == nil {
		return ""
	}
	parts := make([]string, len(thresholdKeys))
	for i, k := range thresholdKeys {
		parts[i] = k + ":" + t.limits[k].StringFixed(2)
	}
	return strings.Join(parts, ",")
}

// Reportable reports whether a record must go to the platform: its budget
// reaches the limit of its category class (the first letter of
// categoryCode), or it is a catalogue item (centralized) and its budget
// reaches JC. Both comparisons are inclusive and exact on decimals. It fails
// with ErrCategoryCode, or with ErrThresholds when t is not configured or
// the budget is not set.
func (t Thresholds) Reportable(
	categoryCode string, budget regplatform.Money, centralized bool,
) (bool, error) {
	d, err := t.reportable(categoryCode, budget, centralized)
	return d.report, err
}

// decision is a rule's verdict with the reason, for guards' refusals.
type decision struct {
	report bool
	why    string
}

func (t Thresholds) reportable(
	code string, budget regplatform.Money, centralized bool,
) (decision, error) {
	if err := t.usable(budget); err != nil {
		return decision{}, err
	}
	class, err := CategoryClass(code)
	if err != nil {
		return decision{}, err
	}
	return t.decide(class, budget, centralized), nil
}

// decide compares budget with the limit of class and, for catalogue items,
// with JC.
func (t Thresholds) decide(class string, budget regplatform.Money, centralized bool) decision {
	b := budget.Decimal()
	limit := t.limits[class]
	jc := t.limits[ClassCentralized]
	switch {
	case b.GreaterThanOrEqual(limit):
		return decision{true, fmt.Sprintf("budget %s reaches the class %s limit %s",
			budget, class, limit.StringFixed(2))}
	case centralized && b.GreaterThanOrEqual(jc):
		return decision{true, fmt.Sprintf("catalogue item with budget %s reaches the JC limit %s",
			budget, jc.StringFixed(2))}
	case centralized:
		return decision{false, fmt.Sprintf("budget %s is below the class %s limit %s and "+
			"the JC limit %s", budget, class, limit.StringFixed(2), jc.StringFixed(2))}
	}
	return decision{false, fmt.Sprintf("budget %s is below the class %s limit %s and the "+
		"item is not in the catalogue", budget, class, limit.StringFixed(2))}
}

func (t Thresholds) usable(budget regplatform.Money) error {
	if t.limits == nil {
		return fmt.Errorf("%w: thresholds are not configured", ErrThresholds)
	}
	if !budget.IsSet() {
		return fmt.Errorf("%w: budget is not set", ErrThresholds)
	}
	return nil
}

// CategoryClass returns the class of a 采购品目 code: "A", "B" or "C", its
// first letter. It fails with ErrCategoryCode for any other first letter.
func CategoryClass(code string) (string, error) {
	if code != "" {
		switch c := code[:1]; c {
		case ClassGoods, ClassWorks, ClassServices:
			return c, nil
		}
	}
	return "", fmt.Errorf("%w: %q", ErrCategoryCode, code)
}

func knownKey(k string) bool {
	for _, known := range thresholdKeys {
		if k == known {
			return true
		}
	}
	return false
}

func hasKey(m map[string]decimal.Decimal, k string) bool {
	_, ok := m[k]
	return ok
}
