package mock

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// Validity windows of §2.3.
const (
	timestampWindow = 15 * time.Minute
	nonceWindow     = 30 * time.Minute
)

// nonceEntry is one remembered (AppKey, nonce), in order of arrival.
type nonceEntry struct {
	key string
	at  time.Time
}

// authenticate checks §2 for r and its raw body and returns the AppKey. The
// checks run in this order: AppKey (2004), signed-header list, Content-MD5
// present with a body, and signature (2001), timestamp (2002), nonce (2003).
// A nonce is remembered only once the signature holds, so a forged request
// cannot burn a nonce.
func (p *Platform) authenticate(r *http.Request, body []byte) (string, *apiError) {
	appKey := r.Header.Get(regplatform.HeaderKey)
	secret, ok := p.keys[appKey]
	if appKey == "" || !ok {
		return "", newError(regplatform.CodeBadAppKey, "AppKey 无效或已停用")
	}

	method := regplatform.SignatureMethod(r.Header.Get(regplatform.HeaderSignatureMethod))
	if method == "" {
		method = regplatform.HmacSHA256
	}
	if method != regplatform.HmacSHA256 && method != regplatform.HmacSM3 {
		return "", newError(regplatform.CodeBadSignature, "签名无效: 不支持的签名方法")
	}

	signed, e := signedHeaders(r.Header)
	if e != nil {
		return "", e
	}
	if len(body) > 0 && r.Header.Get(regplatform.HeaderContentMD5) == "" {
		return "", newError(regplatform.CodeBadSignature, "签名无效: 缺少 Content-MD5")
	}
	sts := regplatform.StringToSign(regplatform.SignInput{
		Method:      r.Method,
		Accept:      r.Header.Get("Accept"),
		ContentMD5:  serverContentMD5(r, body),
		ContentType: r.Header.Get("Content-Type"),
		Date:        r.Header.Get("Date"),
		Headers:     signed,
		// The path as it stands in the request line, escaped as sent.
		Path:  r.URL.EscapedPath(),
		Query: r.URL.Query(),
	})
	want, err := regplatform.Sign(method, secret, sts)
	got := r.Header.Get(regplatform.HeaderSignature)
	if err != nil || subtle.ConstantTimeCompare([]byte(want), []byte(got)) != 1 {
		e := newError(regplatform.CodeBadSignature, "签名无效")
		e.stringToSign = sts
		return "", e
	}

	now := p.cfg.Clock()
	ms, err := strconv.ParseInt(r.Header.Get(regplatform.HeaderTimestamp), 10, 64)
	if err != nil {
		return "", newError(regplatform.CodeClockSkew, "时间戳超出有效期: 不是毫秒数")
	}
	// Compared in whole milliseconds, the unit of the header: exactly
	// 900 000 ms away is still valid.
	window := timestampWindow.Milliseconds()
	if skew := now.UnixMilli() - ms; skew > window || skew < -window {
		return "", newError(regplatform.CodeClockSkew, "时间戳超出有效期")
	}

	if !p.rememberNonce(appKey, r.Header.Get(regplatform.HeaderNonce), now) {
		return "", newError(regplatform.CodeNonceReplay, "Nonce 重复")
	}
	return appKey, nil
}

// serverContentMD5 is the Content-MD5 line of the server's string to sign:
// recomputed over the raw body when there is a body or the header was sent,
// so that a header that does not match the body fails the signature.
func serverContentMD5(r *http.Request, body []byte) string {
	if len(body) == 0 && r.Header.Get(regplatform.HeaderContentMD5) == "" {
		return ""
	}
	return regplatform.ContentMD5(body)
}

// signedHeaders reads X-Ca-Signature-Headers and returns the signed headers
// by canonical name. The list must name X-Ca-Key, X-Ca-Timestamp and
// X-Ca-Nonce, X-Ca-Signature-Method when sent, and every other X-Ca-* header
// sent; each listed header must be present, and listed once.
func signedHeaders(h http.Header) (map[string]string, *apiError) {
	refuse := func(msg string) (map[string]string, *apiError) {
		return nil, newError(regplatform.CodeBadSignature, "签名无效: "+msg)
	}

	signed := map[string]string{}
	for _, name := range strings.Split(h.Get(regplatform.HeaderSignatureHeaders), ",") {
		name = http.CanonicalHeaderKey(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		if _, dup := signed[name]; dup {
			return refuse("签名头重复 " + name)
		}
		if name == regplatform.HeaderSignature || name == regplatform.HeaderSignatureHeaders {
			return refuse("签名头列表不能包含 " + name)
		}
		values, ok := h[name]
		if !ok {
			return refuse("签名头未发送 " + name)
		}
		signed[name] = strings.Join(values, ",")
	}

	for _, name := range []string{
		regplatform.HeaderKey, regplatform.HeaderTimestamp, regplatform.HeaderNonce,
	} {
		if v, ok := signed[name]; !ok || v == "" {
			return refuse("签名头列表缺少 " + name)
		}
	}
	for name := range h {
		if !strings.HasPrefix(name, "X-Ca-") || name == regplatform.HeaderSignature ||
			name == regplatform.HeaderSignatureHeaders {
			continue
		}
		if _, ok := signed[name]; !ok {
			return refuse("签名头列表缺少 " + name)
		}
	}
	return signed, nil
}

// rememberNonce records (appKey, nonce) at now and reports whether it is
// new. Entries older than the nonce window are forgotten first.
func (p *Platform) rememberNonce(appKey, nonce string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()

	for len(p.nonceQueue) > 0 && now.Sub(p.nonceQueue[0].at) > nonceWindow {
		delete(p.nonces, p.nonceQueue[0].key)
		p.nonceQueue = p.nonceQueue[1:]
	}

	key := appKey + "\x00" + nonce
	if _, seen := p.nonces[key]; seen {
		return false
	}
	p.nonces[key] = now
	p.nonceQueue = append(p.nonceQueue, nonceEntry{key: key, at: now})
	return true
}
