package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/zcbridge/zcbridge/poll"
)

// Header names of a webhook request.
const (
	HeaderDelivery  = "X-Zcbridge-Delivery"
	HeaderTimestamp = "X-Zcbridge-Timestamp"
	HeaderSignature = "X-Zcbridge-Signature"
)

// drainLimit is how much of an answer's body is read, and discarded, so that
// the connection can be reused.
const drainLimit = 64 << 10

// StatusError is the error of a delivery the receiver answered with a
// status outside 2xx. The answer's body is not kept: a receiver may echo
// the request in it.
type StatusError struct {
	StatusCode int
}

// Error names the status code.
func (e *StatusError) Error() string {
	return fmt.Sprintf("receiver answered %d %s", e.StatusCode, http.StatusText(e.StatusCode))
}

// Sink POSTs deliveries to one URL, signed with one secret. It is safe for
// concurrent use.
type Sink struct {
	name   string
	url    string
	where  string
	secret []byte
	client *http.Client
	now    func() time.Time
}

// Option configures a Sink.
type Option func(*Sink)

// WithHTTPClient sends with c. Defaults to a client with a 30 second
// timeout that does not follow redirects (a redirect is then retried, never
// turned into a GET).
func WithHTTPClient(c *http.Client) Option { return func(s *Sink) { s.client = c } }

// WithClock takes the timestamp from now. Defaults to time.Now.
func WithClock(now func() time.Time) Option { return func(s *Sink) { s.now = now } }

// New returns the sink named name that POSTs to endpoint, signing with
// secret. It fails when name or secret is empty or endpoint is not an
// absolute http or https URL.
func New(name, endpoint, secret string, opts ...Option) (*Sink, error) {
	if name == "" {
		return nil, errors.New("webhook: sink needs a name")
	}
	if secret == "" {
		return nil, fmt.Errorf("webhook: sink %s needs a secret", name)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("webhook: sink %s: endpoint must be an absolute http(s) URL", name)
	}

	s := &Sink{
		name:   name,
		url:    endpoint,
		where:  u.Scheme + "://" + u.Host + u.Path,
		secret: []byte(secret),
		client: &http.Client{
			Timeout: 30 * time.Second,
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		},
		now: time.Now,
	}
	for _, opt := range opts {
		opt(s)
	}
	return s, nil
}

// Name returns the sink's name.
func (s *Sink) Name() string { return s.name }

// Deliver POSTs d.Payload, signed at the current time. It returns nil on a
// 2xx answer, a *StatusError on any other answer and a transport error
// otherwise. Error texts name the endpoint without its query or user
// information, and never the secret or the signature.
func (s *Sink) Deliver(ctx context.Context, d poll.Delivery) error {
	ts := strconv.FormatInt(s.now().Unix(), 10)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.url,
		bytes.NewReader(d.Payload))
	if err != nil {
		return fmt.Errorf("webhook: deliver %s to %s: %w", d.ID, s.where, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "zcbridge-webhook/1")
	req.Header.Set(HeaderDelivery, d.ID)
	req.Header.Set(HeaderTimestamp, ts)
	req.Header.Set(HeaderSignature, sign(s.secret, ts, d.Payload))

	resp, err := s.client.Do(req)
	if err != nil {
		// A *url.Error repeats the full URL, query included; keep its cause.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("webhook: deliver %s to %s: %w", d.ID, s.where, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, drainLimit))
	_ = resp.Body.Close()

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook: deliver %s to %s: %w", d.ID, s.where,
			&StatusError{StatusCode: resp.StatusCode})
	}
	return nil
}
