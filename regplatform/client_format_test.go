package regplatform

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// formatVerbs are the fmt verbs a caller may print a client with.
var formatVerbs = []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"}

func formatTestClient(t *testing.T) *Client {
	t.Helper()
	c, err := NewClient(
		WithBaseURL("https://zcjg.example.gov.cn/openapi"),
		WithCredentials(testAppKey, testAppSecret),
		WithSignatureMethod(HmacSM3),
	)
	require.NoError(t, err)
	return c
}

// assertNoSecret fails when out holds the test secret in plain text, hex or
// Base64.
func assertNoSecret(t *testing.T, out string) {
	t.Helper()
	for _, enc := range []string{
		testAppSecret,
		hex.EncodeToString([]byte(testAppSecret)),
		fmt.Sprintf("%X", testAppSecret),
		base64.StdEncoding.EncodeToString([]byte(testAppSecret)),
	} {
		assert.NotContains(t, out, enc)
	}
}

func TestClientPrintsNoSecret(t *testing.T) {
	c := formatTestClient(t)
	values := map[string]any{
		"*Client":              c,
		"Client":               *c,
		"*IntentionsService":   c.Intentions,
		"IntentionsService":    *c.Intentions,
		"*SingleSourceService": c.SingleSource,
		"*PlansService":        c.Plans,
		"*ResultsService":      c.Results,
		"[]any":                []any{c, *c},
		"map":                  map[string]*Client{"c": c},
	}
	for name, v := range values {
		for _, verb := range formatVerbs {
			t.Run(name+" "+verb, func(t *testing.T) {
				assertNoSecret(t, fmt.Sprintf(verb, v))
			})
		}
	}
}

func TestClientFormatShowsWhereItSends(t *testing.T) {
	c := formatTestClient(t)
	want := "regplatform.Client(base_url=https://zcjg.example.gov.cn/openapi, " +
		"app_key=" + testAppKey + ", signature_method=HmacSM3)"
	wantGo := `&regplatform.Client{BaseURL:"https://zcjg.example.gov.cn/openapi", ` +
		`AppKey:"` + testAppKey + `", SignatureMethod:"HmacSM3"}`
	tests := []struct{ verb, want string }{
		{"%v", want},
		{"%+v", want},
		{"%s", want},
		{"%q", fmt.Sprintf("%q", want)},
		{"%#v", wantGo},
	}
	for _, tt := range tests {
		t.Run(tt.verb, func(t *testing.T) {
			assert.Equal(t, tt.want, fmt.Sprintf(tt.verb, c))
		})
	}
	assert.Equal(t, want, c.String())
	assert.Equal(t, "regplatform.Client(nil)", fmt.Sprint((*Client)(nil)))
}

func TestSecretRedactsItself(t *testing.T) {
	s := newSecret(testAppSecret)
	for _, verb := range formatVerbs {
		assert.Equal(t, redacted, fmt.Sprintf(verb, s), verb)
		assert.Equal(t, redacted, fmt.Sprintf(verb, &s), verb)
		assertNoSecret(t, fmt.Sprintf(verb, struct{ s secret }{s}))
	}
	assert.Equal(t, redacted, s.String())
	assert.Equal(t, redacted, s.GoString())
	assert.Equal(t, testAppSecret, s.reveal())

	b, err := json.Marshal(s)
	require.NoError(t, err)
	assertNoSecret(t, string(b))
}

func TestLoggedClientHoldsNoSecret(t *testing.T) {
	c := formatTestClient(t)
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(h(&buf)).Info("test: Client built.", "client", c, "value", *c,
				"secret", c.appSecret)

			require.NotEmpty(t, buf.String())
			assertNoSecret(t, buf.String())
		})
	}
}

// TestLoggedClientShowsWhatIdentifiesIt checks that both slog handlers show
// the client by its base URL, AppKey and signature method, not its fields.
func TestLoggedClientShowsWhatIdentifiesIt(t *testing.T) {
	c := formatTestClient(t)
	for name, h := range map[string]func(*bytes.Buffer) slog.Handler{
		"text": func(b *bytes.Buffer) slog.Handler { return slog.NewTextHandler(b, nil) },
		"json": func(b *bytes.Buffer) slog.Handler { return slog.NewJSONHandler(b, nil) },
	} {
		t.Run(name, func(t *testing.T) {
			var buf bytes.Buffer
			slog.New(h(&buf)).Info("test: Client built.", "client", c)

			out := buf.String()
			assert.Contains(t, out, c.appKey)
			assert.Contains(t, out, "base_url")
			assert.Contains(t, out, string(c.method))
			assert.NotContains(t, out, "Intentions")
		})
	}
}
