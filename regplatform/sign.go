package regplatform

import (
	"crypto/hmac"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"net/url"
	"sort"
	"strings"

	"github.com/emmansun/gmsm/sm3"
)

// SignatureMethod is the HMAC of §2: X-Ca-Signature-Method.
type SignatureMethod string

// Signature methods.
const (
	// HmacSHA256 is the default.
	HmacSHA256 SignatureMethod = "HmacSHA256"
	// HmacSM3 is the 国密 profile of §2.5: HMAC over SM3 (GB/T 32905-2016).
	HmacSM3 SignatureMethod = "HmacSM3"
)

// Signing headers of §2.1, in their canonical case.
const (
	HeaderKey              = "X-Ca-Key"
	HeaderTimestamp        = "X-Ca-Timestamp"
	HeaderNonce            = "X-Ca-Nonce"
	HeaderSignatureMethod  = "X-Ca-Signature-Method"
	HeaderSignatureHeaders = "X-Ca-Signature-Headers"
	HeaderSignature        = "X-Ca-Signature"
	HeaderErrorMessage     = "X-Ca-Error-Message"
	HeaderContentMD5       = "Content-MD5"
)

// SignInput is everything the string to sign (§2.2) is built from.
type SignInput struct {
	// Method is the HTTP method; it is written in upper case.
	Method string
	// Accept, ContentMD5, ContentType and Date are the header values as
	// sent, or "" when the header is absent.
	Accept      string
	ContentMD5  string
	ContentType string
	Date        string
	// Headers holds the signed headers, by canonical name.
	Headers map[string]string
	// Path is the full request path as sent, base path included.
	Path string
	// Query holds the decoded query parameters; each key once.
	Query url.Values
}

// StringToSign builds the string to sign of §2.2: five lines, the signed
// headers sorted by name, then the path and sorted parameters with no
// trailing line feed.
func StringToSign(in SignInput) string {
	var b strings.Builder
	for _, line := range []string{
		strings.ToUpper(in.Method), in.Accept, in.ContentMD5, in.ContentType, in.Date,
	} {
		b.WriteString(line)
		b.WriteByte('\n')
	}
	for _, name := range sortedKeys(in.Headers) {
		b.WriteString(name)
		b.WriteByte(':')
		b.WriteString(in.Headers[name])
		b.WriteByte('\n')
	}
	b.WriteString(in.Path)
	if len(in.Query) > 0 {
		b.WriteByte('?')
		for i, k := range sortedKeys(in.Query) {
			if i > 0 {
				b.WriteByte('&')
			}
			b.WriteString(k)
			// A list is sent comma-joined, so the signed value is too.
			if v := strings.Join(in.Query[k], ","); v != "" {
				b.WriteByte('=')
				b.WriteString(v)
			}
		}
	}
	return b.String()
}

// SignedHeaderNames returns the value of X-Ca-Signature-Headers for headers:
// their canonical names sorted in byte order and comma-joined.
func SignedHeaderNames(headers map[string]string) string {
	return strings.Join(sortedKeys(headers), ",")
}

// Sign returns Base64(HMAC(secret, stringToSign)) for method.
func Sign(method SignatureMethod, secret, stringToSign string) (string, error) {
	var h func() hash.Hash
	switch method {
	case HmacSHA256, "":
		h = sha256.New
	case HmacSM3:
		h = sm3.New
	default:
		return "", fmt.Errorf("regplatform: unknown signature method %q", method)
	}
	mac := hmac.New(h, []byte(secret))
	mac.Write([]byte(stringToSign))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil)), nil
}

// ContentMD5 returns Base64 of the MD5 of body, the Content-MD5 header value.
func ContentMD5(body []byte) string {
	sum := md5.Sum(body)
	return base64.StdEncoding.EncodeToString(sum[:])
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
