package mock

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"time"

	"github.com/zcbridge/zcbridge/regplatform"
)

// apiError is an error answer of §3 before it is written.
type apiError struct {
	code    string
	message string
	data    any
	// retryAfter is sent as Retry-After, in whole seconds, when positive.
	retryAfter time.Duration
	// stringToSign is sent, \n replaced by #, in X-Ca-Error-Message.
	stringToSign string
}

func newError(code, message string) *apiError {
	return &apiError{code: code, message: message}
}

// httpStatus is the HTTP status of each code in the table of §3.
var httpStatus = map[string]int{
	regplatform.CodeOK:            http.StatusOK,
	regplatform.CodeInvalidParams: http.StatusBadRequest,
	regplatform.CodeMalformedBody: http.StatusBadRequest,
	regplatform.CodeBadSignature:  http.StatusUnauthorized,
	regplatform.CodeClockSkew:     http.StatusUnauthorized,
	regplatform.CodeNonceReplay:   http.StatusUnauthorized,
	regplatform.CodeBadAppKey:     http.StatusUnauthorized,
	regplatform.CodeForbidden:     http.StatusForbidden,
	regplatform.CodeBodyMismatch:  http.StatusConflict,
	regplatform.CodeStateConflict: http.StatusConflict,
	regplatform.CodeNotFound:      http.StatusNotFound,
	regplatform.CodeRateLimited:   http.StatusTooManyRequests,
	regplatform.CodeInternal:      http.StatusInternalServerError,
	regplatform.CodeMaintenance:   http.StatusServiceUnavailable,
}

// writeEnvelope writes one §3 answer and returns its HTTP status.
func writeEnvelope(w http.ResponseWriter, requestID, code, message string, data any) int {
	env := regplatform.Envelope{Code: code, Message: message, RequestID: requestID}
	if data != nil {
		raw, err := json.Marshal(data)
		if err != nil {
			// Only the mock's own types are marshalled; this is a bug.
			code, env.Code, env.Message = regplatform.CodeInternal,
				regplatform.CodeInternal, "平台内部错误"
		} else {
			env.Data = raw
		}
	}
	out, _ := json.Marshal(env)

	status := httpStatus[code]
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	w.Write(out)
	return status
}

// writeError writes e with its headers and returns the HTTP status.
func writeError(w http.ResponseWriter, requestID string, e *apiError) int {
	if e.retryAfter > 0 {
		secs := int(math.Ceil(e.retryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(secs))
	}
	if e.stringToSign != "" {
		w.Header().Set(regplatform.HeaderErrorMessage, hashLines(e.stringToSign))
	}
	return writeEnvelope(w, requestID, e.code, e.message, e.data)
}

func hashLines(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c == '\n' {
			b[i] = '#'
		}
	}
	return string(b)
}

// gatewayPage is the body of the NotEnvelope fault: what a gateway in front
// of the platform answers when the platform behind it misbehaves.
const gatewayPage = "<html><head><title>502 Bad Gateway</title></head>" +
	"<body><h1>502 Bad Gateway</h1><hr><p>gateway</p></body></html>\n"

func writeGatewayPage(w http.ResponseWriter) int {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadGateway)
	w.Write([]byte(gatewayPage))
	return http.StatusBadGateway
}
