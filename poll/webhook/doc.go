// Package webhook is a reference poll.Sink that POSTs each publication to an
// HTTP endpoint, and the check a receiver runs on what it gets.
//
// Each request carries the publication JSON as its body and three headers:
// X-Zcbridge-Delivery (the delivery id, the same on every retry, by which the
// receiver dedupes), X-Zcbridge-Timestamp (Unix seconds when the request was
// signed) and X-Zcbridge-Signature ("v1=" and the lower-case hex
// HMAC-SHA256, keyed with the shared secret, of the timestamp, a full stop
// and the body). Any 2xx answer acknowledges the delivery; anything else,
// redirects included, is retried by the dispatcher.
//
// Known limits: one secret per sink, so rotating it means a short window in
// which the receiver accepts both (Verify takes one secret per call; try the
// new one, then the old). The timestamp only bounds replays to the
// tolerance; within it, the receiver's dedupe on the delivery id is what
// stops a replayed request from counting twice.
package webhook
