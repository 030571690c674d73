package regplatform

import (
	"fmt"
	"io"
	"log/slog"
	"strconv"
)

// redacted is what a secret prints as.
const redacted = "[redacted]"

// secret holds the AppSecret. Every fmt verb, slog and encoding/json print
// it as redacted; only reveal gives the text, to sign. The text lives in a
// closure, which reflection cannot read: a struct holding a secret, printed
// field by field (as fmt prints a Client value), shows a func address.
type secret struct{ text func() string }

func newSecret(s string) secret { return secret{text: func() string { return s }} }

// reveal returns the secret's text, for signing only.
func (s secret) reveal() string { return s.text() }

// String returns the redacted form.
func (secret) String() string { return redacted }

// GoString returns the redacted form, for %#v.
func (secret) GoString() string { return redacted }

// Format writes the redacted form whatever the verb and flags.
func (secret) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, redacted) }

// LogValue logs the redacted form.
func (secret) LogValue() slog.Value { return slog.StringValue(redacted) }

// MarshalText writes the redacted form, for encoding/json and others.
func (secret) MarshalText() ([]byte, error) { return []byte(redacted), nil }

// String describes the client by what identifies it to the platform: the
// base URL, the AppKey and the signature method. It never holds the
// AppSecret.
func (c *Client) String() string {
	if c == nil {
		return "regplatform.Client(nil)"
	}
	return "regplatform.Client(base_url=" + c.origin + c.basePath +
		", app_key=" + c.appKey + ", signature_method=" + string(c.method) + ")"
}

// GoString describes the client for %#v with the same fields as String.
func (c *Client) GoString() string {
	if c == nil {
		return "(*regplatform.Client)(nil)"
	}
	return "&regplatform.Client{BaseURL:" + strconv.Quote(c.origin+c.basePath) +
		", AppKey:" + strconv.Quote(c.appKey) +
		", SignatureMethod:" + strconv.Quote(string(c.method)) + "}"
}

// LogValue gives slog the fields of String as a group (base_url, app_key,
// signature_method), so that every handler, JSON included, shows the same
// and never the client's fields.
func (c *Client) LogValue() slog.Value {
	if c == nil {
		return slog.StringValue("regplatform.Client(nil)")
	}
	return slog.GroupValue(
		slog.String("base_url", c.origin+c.basePath),
		slog.String("app_key", c.appKey),
		slog.String("signature_method", string(c.method)),
	)
}

// Format prints String for every verb (quoted for %q) and GoString for %#v,
// so that no verb reaches the client's fields.
func (c *Client) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		_, _ = io.WriteString(f, c.GoString())
	case verb == 'q':
		_, _ = io.WriteString(f, strconv.Quote(c.String()))
	default:
		_, _ = io.WriteString(f, c.String())
	}
}
