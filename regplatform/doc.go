// Package regplatform is the typed client of the provincial finance
// department's procurement supervision platform (财政厅采购监管平台), and the
// wire types it exchanges with a university's procurement system (校端).
//
// A Client is built with NewClient and options (base URL, AppKey and
// AppSecret, signature method, timeout, retry policy, rate limit, logger,
// transport). Its services follow the contract's flows:
//
//   - Intentions: 采购意向 publication (2.5.1) and results (2.5.2).
//   - SingleSource: 单一来源公示 (2.6.2) and results (2.6.3).
//   - Plans: 计划备案 (2.7.1) and filing results (2.7.2).
//   - Results: 采购结果 by plan id (2.8.1–2.8.4), with iterators.
//
// Every request is signed with the digest scheme of the contract's §2. A call
// is retried only where the contract calls a retry safe (2003 re-signed, 4290
// after Retry-After, 5000, 5030, transport failures); every attempt gets a
// new nonce, timestamp and signature over the same body bytes. Failures are
// an *APIError, matched by class with errors.Is (ErrValidation, ErrAuth,
// ErrReplay, ErrConflict, ErrNotFound, ErrRateLimited, ErrUnavailable), or a
// *TransportError; MaybeSent tells whether a failed push may have reached the
// platform and must be reconciled by reading its result.
//
// Requests are validated before they are sent; nothing invalid leaves the
// machine. Publish and File validate and encode a struct; PublishBody and
// FileBody decode the given bytes strictly (Decode) and validate the result,
// then send the bytes unchanged. The AppSecret and the signature never appear
// in a log line or an error text, and fmt prints a Client as its base URL,
// AppKey and signature method only.
//
// Known limits:
//   - Retry-After is read in whole seconds only, as the contract gives it;
//     an HTTP-date is ignored and the backoff applies.
//   - Backoff and the rate limiter wait on the real clock; WithClock only
//     stamps X-Ca-Timestamp.
//   - The rate limit is per Client. Several clients or processes sharing one
//     AppKey must split the platform's budget between them.
//   - Redirects are not followed (a redirect would carry a stale signature);
//     a 3xx answer is a malformed response.
//   - A transport given with WithTransport that reports no httptrace events
//     leaves MaybeSent to judge by the error: only DNS and dial failures
//     count as not sent.
package regplatform
