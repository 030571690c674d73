// Package mock is an in-memory 采购监管平台 (the provincial procurement
// supervision platform) for tests, examples and local runs. A *Platform is an
// http.Handler that serves the whole wire contract: the digest signature and
// replay checks of §2, the envelope and error codes of §3, strict decoding
// and the field rules (1002, 1001), idempotent pushes per (flow, source_id,
// revision) as §5 defines them, result reads that progress by reads or by
// clock, plan execution by script, and the result lists of 2.8 with paging.
//
// Faults are injected by rate (FaultConfig) or per key and attempt (Script):
// latency, 5000 before or after the push is stored, a stall after storing,
// a dropped connection before storing, 4290 with Retry-After, and an HTML
// gateway page after storing. Each rate-based choice is a hash of the seed,
// the key and the platform's count of attempts for that key, so a run
// repeats whatever the order of requests. Every request is recorded; a test
// asserts "accepted once" with Accepted or AcceptedCounts.
//
// The mock uses the regplatform package only for wire types, the string to
// sign, strict decoding and the Validate methods of the requests.
//
// Known limits: working days for single-source deadlines are Monday to
// Friday, without public holidays; everything is kept in memory and lost
// when the process ends; nonces are forgotten by the platform's clock, so a
// clock moved backwards keeps them longer, never shorter.
package mock
