package regplatform

import (
	"encoding/hex"
	"net/url"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSignGolden rebuilds each golden string to sign from its parts and
// checks it, the signature, Content-MD5 and X-Ca-Signature-Headers byte for
// byte. post-intentions.json is the worked example of contract §2.4.
func TestSignGolden(t *testing.T) {
	for _, name := range signCaseNames(t) {
		t.Run(name, func(t *testing.T) {
			sc := loadSignCase(t, name)
			signed := map[string]string{}
			for k, v := range sc.Headers {
				if strings.HasPrefix(k, "X-Ca-") && k != HeaderSignature &&
					k != HeaderSignatureHeaders {
					signed[k] = v
				}
			}
			q := url.Values{}
			for k, v := range sc.Query {
				q.Set(k, v)
			}
			in := SignInput{
				Method:      sc.Method,
				Accept:      sc.Headers["Accept"],
				ContentMD5:  sc.Headers[HeaderContentMD5],
				ContentType: sc.Headers["Content-Type"],
				Headers:     signed,
				Path:        sc.Path,
				Query:       q,
			}

			sts := StringToSign(in)
			sig, err := Sign(sc.SignatureMethod, sc.AppSecret, sts)

			require.NoError(t, err)
			assert.Equal(t, sc.StringToSign, sts)
			assert.Equal(t, sc.Headers[HeaderSignature], sig)
			assert.Equal(t, sc.Headers[HeaderSignatureHeaders], SignedHeaderNames(signed))
			if sc.Body != "" {
				assert.Equal(t, sc.Headers[HeaderContentMD5], ContentMD5([]byte(sc.Body)))
			}
		})
	}
}

func TestStringToSignParameters(t *testing.T) {
	tests := []struct {
		name  string
		query url.Values
		want  string
	}{
		{"none", nil, "/p"},
		{"sorted by key in byte order", url.Values{"b": {"2"}, "B": {"1"}, "a": {"3"}},
			"/p?B=1&a=3&b=2"},
		{"empty value without =", url.Values{"flag": {""}, "a": {"1"}}, "/p?a=1&flag"},
		{"decoded value", url.Values{"q": {"采购 a&b=c"}}, "/p?q=采购 a&b=c"},
		{"list comma-joined", url.Values{"ids": {"A", "B"}}, "/p?ids=A,B"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := StringToSign(SignInput{Method: "get", Path: "/p", Query: tt.query})
			assert.Equal(t, "GET\n\n\n\n\n"+tt.want, got)
		})
	}
}

func TestSignMethods(t *testing.T) {
	sum := sm3.Sum([]byte("abc"))
	assert.Equal(t, "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0",
		hex.EncodeToString(sum[:]), "SM3 test vector of contract §2.5")

	sha, err := Sign(HmacSHA256, testAppSecret, "x")
	require.NoError(t, err)
	sm, err := Sign(HmacSM3, testAppSecret, "x")
	require.NoError(t, err)
	assert.NotEqual(t, sha, sm)

	_, err = Sign("HmacMD5", testAppSecret, "x")
	require.Error(t, err)
	assert.NotContains(t, err.Error(), testAppSecret)
}
