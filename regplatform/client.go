package regplatform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-resty/resty/v2"
	"github.com/google/go-querystring/query"
	"golang.org/x/time/rate"
)

// maxResponseBytes bounds the answer the client reads; larger answers fail
// as transport errors.
const maxResponseBytes = 16 << 20

// Client is the typed client of the platform API. It is safe for concurrent
// use. Build it with NewClient.
type Client struct {
	// Intentions publishes 采购意向 (2.5.1) and reads their results (2.5.2).
	Intentions *IntentionsService
	// SingleSource publishes 单一来源公示 (2.6.2) and reads results (2.6.3).
	SingleSource *SingleSourceService
	// Plans files 采购计划 (2.7.1) and reads filing results (2.7.2).
	Plans *PlansService
	// Results reads procurement results by plan id (2.8.1–2.8.4).
	Results *ResultsService

	http      *resty.Client
	origin    string // scheme and host of the base URL
	basePath  string // path of the base URL, without a trailing "/"
	appKey    string
	appSecret secret
	method    SignatureMethod
	retry     RetryPolicy
	limiter   *rate.Limiter
	logger    *slog.Logger
	now       func() time.Time
	nonce     func() string

	// jitter and sleep are replaced by tests to run retries without waiting.
	jitter func(time.Duration) time.Duration
	sleep  func(context.Context, time.Duration) error
}

// NewClient builds a Client. WithBaseURL and WithCredentials are required;
// every other option has a default. It fails when an option is invalid,
// never because the platform is unreachable: it sends nothing.
func NewClient(opts ...Option) (*Client, error) {
	cfg := defaultConfig()
	for _, opt := range opts {
		if err := opt(&cfg); err != nil {
			return nil, err
		}
	}
	if cfg.appKey == "" || cfg.appSecret == "" {
		return nil, errors.New("regplatform: WithCredentials is required")
	}
	origin, basePath, err := splitBaseURL(cfg.baseURL)
	if err != nil {
		return nil, err
	}

	hc := resty.New().
		SetTimeout(cfg.timeout).
		SetRetryCount(0).
		SetLogger(quietLogger{}).
		SetResponseBodyLimit(maxResponseBytes).
		SetHeader("User-Agent", "zcbridge-regplatform").
		// A redirect would be followed without a new signature; the 3xx
		// answer is read instead, and is not an envelope.
		SetRedirectPolicy(resty.RedirectPolicyFunc(func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}))
	if cfg.transport != nil {
		hc.SetTransport(cfg.transport)
	}

	c := &Client{
		http:      hc,
		origin:    origin,
		basePath:  basePath,
		appKey:    cfg.appKey,
		appSecret: newSecret(cfg.appSecret),
		method:    cfg.method,
		retry:     cfg.retry,
		limiter:   rate.NewLimiter(cfg.limit, cfg.burst),
		logger:    cfg.logger,
		now:       cfg.now,
		nonce:     cfg.nonce,
		jitter:    fullJitter,
		sleep:     sleepCtx,
	}
	c.Intentions = &IntentionsService{c: c}
	c.SingleSource = &SingleSourceService{c: c}
	c.Plans = &PlansService{c: c}
	c.Results = &ResultsService{c: c}
	return c, nil
}

// splitBaseURL returns "scheme://host" and the base path without a
// trailing "/".
func splitBaseURL(raw string) (origin, basePath string, err error) {
	if raw == "" {
		return "", "", errors.New("regplatform: WithBaseURL is required")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", fmt.Errorf("regplatform: base URL: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", "", fmt.Errorf("regplatform: base URL %q: want http(s)://host[/path]",
			u.Redacted())
	}
	if u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return "", "", fmt.Errorf("regplatform: base URL %q: no user, query or fragment",
			u.Redacted())
	}
	return u.Scheme + "://" + u.Host, strings.TrimRight(u.EscapedPath(), "/"), nil
}

// quietLogger drops resty's own log lines; the client logs through slog.
type quietLogger struct{}

func (quietLogger) Errorf(string, ...any) {}
func (quietLogger) Warnf(string, ...any)  {}
func (quietLogger) Debugf(string, ...any) {}

// push checks body as a request of reqType and sends it, byte for byte, to
// path. Nothing is sent unless the body passes: the same size limit, strict
// decoding and field rules as a request that Encode produced.
func (c *Client) push(ctx context.Context, kind, path string, reqType reflect.Type,
	body []byte) (*Receipt, error) {
	if err := checkPushBody(kind, reqType, body); err != nil {
		return nil, err
	}
	return c.send(ctx, path, reqType, body)
}

// send posts body to path as it is and returns the receipt.
func (c *Client) send(ctx context.Context, path string, reqType reflect.Type,
	body []byte) (*Receipt, error) {
	req := &request{method: http.MethodPost, path: path, body: body, reqType: reqType}
	var rc Receipt
	if err := c.call(ctx, req, &rc); err != nil {
		return nil, err
	}
	return &rc, nil
}

// checkPushBody refuses, with a *ValidationError, a body that is empty, over
// MaxBodyBytes or not JSON, that Decode refuses as a reqType, or whose
// decoded value fails Validate. reqType is a request struct, such as
// Intention, whose pointer has a Validate method.
func checkPushBody(kind string, reqType reflect.Type, body []byte) error {
	switch {
	case len(body) == 0:
		return bodyError(kind, "请求体为空")
	case len(body) > MaxBodyBytes:
		return bodyTooLarge(kind, len(body))
	case !json.Valid(body):
		return bodyError(kind, "请求体不是有效的JSON")
	}
	v := reflect.New(reqType)
	if err := Decode(body, v.Interface()); err != nil {
		return err
	}
	return v.Interface().(interface{ Validate() error }).Validate()
}

// resultSet is the data of the 2.5.2, 2.6.3 and 2.7.2 result reads.
type resultSet[R any] struct {
	Results  []R      `json:"results"`
	NotFound []string `json:"not_found"`
}

// readResults reads the results of ids at path, MaxResultIDs per call, and
// merges them. Repeated ids are read once; no ids means no call.
func readResults[R any](ctx context.Context, c *Client, path string,
	ids []string) (*resultSet[R], error) {
	ids, err := checkResultIDs(ids)
	if err != nil {
		return nil, err
	}

	all := &resultSet[R]{Results: []R{}, NotFound: []string{}}
	for chunk := range slices.Chunk(ids, MaxResultIDs) {
		q, err := query.Values(ResultQuery{SourceIDs: chunk})
		if err != nil {
			return nil, fmt.Errorf("regplatform: encode query: %w", err)
		}
		var part resultSet[R]
		if err := c.call(ctx, &request{method: http.MethodGet, path: path, query: q},
			&part); err != nil {
			return nil, err
		}
		all.Results = append(all.Results, part.Results...)
		all.NotFound = append(all.NotFound, part.NotFound...)
	}
	return all, nil
}

// checkResultIDs returns ids without repeats, or a *ValidationError naming
// every id that breaks the identifier rule.
func checkResultIDs(ids []string) ([]string, error) {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	var bad []FieldError
	for i, id := range ids {
		if msg := identifierProblem(id); msg != "" {
			bad = append(bad, FieldError{
				Field:   "source_ids[" + strconv.Itoa(i) + "]",
				Label:   queryLabel(reflect.TypeFor[ResultQuery](), "source_ids"),
				Message: msg,
			})
			continue
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	if bad != nil {
		return nil, &ValidationError{Kind: "result_query", Fields: bad}
	}
	return out, nil
}
