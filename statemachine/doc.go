// Package statemachine holds the status flows of the four processes that
// zcbridge connects to the procurement supervision platform (采购监管平台),
// the rules that decide between their branches, and a small generic machine
// that runs them.
//
// A Machine is built from a transition table with optional guards. Firing
// is pure: Fire(from, event, facts) returns the next state or a typed error
// and changes nothing, so the state stays in the host's database and the
// host writes the new one with a compare-and-set on the old. The ready-made
// flows are Intention (采购意向), SingleSource (单一来源公示), Plan (计划备案)
// and Results (采购结果); their states and events carry the Chinese labels
// the host's UI shows, through Label, and English names, through String.
//
// The rules are the reporting thresholds (ParseThresholds, Thresholds),
// supplier eligibility (SupplierLibrary, CheckSupplier) and the locked-state
// rule (CheckMethodChange, CheckTermination), which work on the status as
// the host stores it: its Chinese label, workflow node or English name.
//
// Known limits: guards see only the facts passed to Fire, so anything that
// needs I/O (a supplier lookup) is done by the caller first and passed in.
// Allowed lists the events that have a row for a state without evaluating
// guards. The diagrams in docs/diagrams are generated from the tables with
// go generate; a test fails when a committed diagram is stale.
package statemachine
