package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"strings"

	"github.com/zcbridge/zcbridge/regplatform"
)

// ScriptRequest is the body of POST /admin/script.
type ScriptRequest struct {
	Flow     regplatform.Flow `json:"flow"`
	SourceID string           `json:"source_id"`
	Script   Script           `json:"script"`
}

// AdminHandler returns the admin API of the platform, answered in plain JSON
// (not the contract's envelope):
//
//	GET  /admin/requests  every recorded request, in order ([] when none)
//	GET  /admin/accepted  accepted pushes per (flow, source_id, revision)
//	POST /admin/script    a ScriptRequest; 204, or 400 with {"error": ...}
//	POST /admin/reset     forget everything (Reset); 204
//
// It answers only loopback clients, and only requests whose Host is a
// loopback IP or localhost, so that a web page cannot reach it through a
// rebound DNS name (403 otherwise, with {"error": ...}). A POST must be
// sent as application/json (415 otherwise), which a web page on another
// origin cannot do without a CORS preflight that the API never grants.
func (p *Platform) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/requests", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, p.Requests())
	})
	mux.HandleFunc("GET /admin/accepted", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, p.AcceptedList())
	})
	mux.HandleFunc("POST /admin/script", func(w http.ResponseWriter, r *http.Request) {
		var req ScriptRequest
		dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&req); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{
				"error": fmt.Sprintf("mock: decode script: %v", err)})
			return
		}
		if err := p.SetScript(req.Flow, req.SourceID, req.Script); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("POST /admin/reset", func(w http.ResponseWriter, r *http.Request) {
		p.Reset()
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/", adminNoRoute)
	return adminGuard(mux)
}

// adminRoutes maps each admin path to the one method it takes.
var adminRoutes = map[string]string{
	"/admin/requests": http.MethodGet,
	"/admin/accepted": http.MethodGet,
	"/admin/script":   http.MethodPost,
	"/admin/reset":    http.MethodPost,
}

// adminNoRoute refuses, in JSON like every other refusal, a path the admin
// API does not have (404) or a method a known path does not take (405).
func adminNoRoute(w http.ResponseWriter, r *http.Request) {
	method, ok := adminRoutes[r.URL.Path]
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{
			"error": "mock: no such admin path: " + r.URL.Path})
		return
	}
	w.Header().Set("Allow", method)
	writeJSON(w, http.StatusMethodNotAllowed, map[string]string{
		"error": "mock: " + r.URL.Path + " takes " + method + " only"})
}

// adminGuard refuses a client that does not connect from a loopback
// address, a Host that is not loopback, and a POST that is not JSON.
func adminGuard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			writeJSON(w, http.StatusForbidden, map[string]string{
				"error": "mock: the admin API answers loopback clients only"})
			return
		}
		if !loopbackHost(r.Host) {
			writeJSON(w, http.StatusForbidden, map[string]string{
				"error": "mock: the admin API answers requests for a loopback host only"})
			return
		}
		if r.Method == http.MethodPost {
			mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
			if err != nil || mt != "application/json" {
				writeJSON(w, http.StatusUnsupportedMediaType, map[string]string{
					"error": "mock: admin POST requests must be sent as application/json"})
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// loopbackHost reports whether a Host header, with or without a port,
// names a loopback IP or localhost.
func loopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
