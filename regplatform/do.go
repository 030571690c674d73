package regplatform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptrace"
	"net/url"
	"reflect"
	"strconv"
	"sync/atomic"
	"time"
)

const (
	mediaJSON       = "application/json"
	contentTypeJSON = "application/json; charset=utf-8"
)

// request is one call to the platform, sent once per attempt.
type request struct {
	method string
	// path is relative to the base URL and already escaped, such as
	// "/v1/intentions".
	path  string
	query url.Values
	// body is the exact JSON sent by every attempt; nil for reads.
	body []byte
	// reqType is the request struct whose labels name refused fields.
	reqType reflect.Type
}

func (r *request) op() string { return r.method + " " + r.path }

// attemptResult is the outcome of one attempt. reason is why it may be
// retried, "" when it must not be.
type attemptResult struct {
	err       error
	reason    string
	requestID string
}

// attempt signs and sends req once, and decodes the answer's data into out.
func (c *Client) attempt(ctx context.Context, req *request, out any) attemptResult {
	headers, err := c.signedHeaders(req)
	if err != nil {
		return attemptResult{err: err}
	}

	var gotConn, wrote atomic.Bool
	trace := &httptrace.ClientTrace{
		GetConn:      func(string) { gotConn.Store(true) },
		WroteRequest: func(httptrace.WroteRequestInfo) { wrote.Store(true) },
	}
	r := c.http.R().SetContext(httptrace.WithClientTrace(ctx, trace)).SetHeaders(headers)
	if req.body != nil {
		r.SetBody(req.body)
	}
	start := time.Now()
	resp, err := r.Execute(req.method, c.url(req))
	if err != nil {
		// A transport that reports no trace events leaves the cause to
		// tell whether anything left.
		sent := wrote.Load() || (!gotConn.Load() && !notSentCause(err))
		te := &TransportError{Op: req.op(), MaybeSent: sent, Err: err}
		return attemptResult{err: te, reason: "transport error"}
	}

	status := resp.StatusCode()
	var env Envelope
	if err := json.Unmarshal(resp.Body(), &env); err != nil || env.Code == "" {
		err = fmt.Errorf("%w: HTTP %d, %q, %d bytes that are not an envelope",
			ErrMalformedResponse, status, resp.Header().Get("Content-Type"), len(resp.Body()))
		te := &TransportError{Op: req.op(), MaybeSent: true, Err: err}
		return attemptResult{err: te, reason: "malformed response"}
	}
	c.logger.LogAttrs(ctx, slog.LevelDebug, "regplatform: Request answered.",
		slog.String("method", req.method),
		slog.String("path", req.path),
		slog.Int("http_status", status),
		slog.String("code", env.Code),
		slog.String("request_id", env.RequestID),
		slog.Duration("duration", time.Since(start)),
	)

	if env.Code != CodeOK {
		ae := newAPIError(&env, resp.Header(), status, req.reqType)
		return attemptResult{err: ae, reason: retryReason(env.Code), requestID: env.RequestID}
	}
	if out == nil {
		return attemptResult{}
	}
	if len(env.Data) == 0 || bytes.Equal(env.Data, []byte("null")) {
		err := fmt.Errorf("%w: success without data (request_id %s)",
			ErrMalformedResponse, env.RequestID)
		return attemptResult{err: &TransportError{Op: req.op(), MaybeSent: true, Err: err}}
	}
	if err := json.Unmarshal(env.Data, out); err != nil {
		// The platform did answer; a resend would get the same data, so
		// this is not retried.
		err = fmt.Errorf("%w: data (request_id %s): %w", ErrMalformedResponse, env.RequestID, err)
		return attemptResult{err: &TransportError{Op: req.op(), MaybeSent: true, Err: err}}
	}
	return attemptResult{requestID: env.RequestID}
}

// signedHeaders returns the headers of §2.1 for one attempt: a new
// timestamp, nonce and signature.
func (c *Client) signedHeaders(req *request) (map[string]string, error) {
	signed := map[string]string{
		HeaderKey:             c.appKey,
		HeaderTimestamp:       strconv.FormatInt(c.now().UnixMilli(), 10),
		HeaderNonce:           c.nonce(),
		HeaderSignatureMethod: string(c.method),
	}
	in := SignInput{
		Method:  req.method,
		Accept:  mediaJSON,
		Headers: signed,
		Path:    c.basePath + req.path,
		Query:   req.query,
	}
	if req.body != nil {
		in.ContentType = contentTypeJSON
		in.ContentMD5 = ContentMD5(req.body)
	}
	sig, err := Sign(c.method, c.appSecret.reveal(), StringToSign(in))
	if err != nil {
		return nil, err
	}

	h := make(map[string]string, len(signed)+5)
	for k, v := range signed {
		h[k] = v
	}
	h[HeaderSignatureHeaders] = SignedHeaderNames(signed)
	h[HeaderSignature] = sig
	h["Accept"] = mediaJSON
	if req.body != nil {
		h["Content-Type"] = contentTypeJSON
		h[HeaderContentMD5] = in.ContentMD5
	}
	return h, nil
}

// url returns the absolute URL of req.
func (c *Client) url(req *request) string {
	u := c.origin + c.basePath + req.path
	if len(req.query) > 0 {
		u += "?" + req.query.Encode()
	}
	return u
}

// retryReason says why a code may be retried (§3), or "" when it must not.
func retryReason(code string) string {
	switch code {
	case CodeNonceReplay:
		return "nonce replayed"
	case CodeRateLimited:
		return "rate limited"
	case CodeInternal, CodeMaintenance:
		return "platform unavailable (" + code + ")"
	}
	return ""
}
