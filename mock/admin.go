package mock

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"

	"github.com/zcbridge/zcbridge/regplatform"
)

// ScriptRequest is the body of POST /admin/script.
type ScriptRequest struct {
	Flow     regplatform.Flow `json:"flow"`
	SourceID string           `json:"source_id"`
	Script   Script           `json:"script"`
}

// AdminHandler returns the admin API of the platform, answered in plain JSON
// (not the contract's envelope) and only to loopback clients (403 to any
// other):
//
//	GET  /admin/requests  every recorded request, in order
//	GET  /admin/accepted  accepted pushes per (flow, source_id, revision)
//	POST /admin/script    a ScriptRequest; 204, or 400 with {"error": ...}
//	POST /admin/reset     forget everything (Reset); 204
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
	return loopbackOnly(mux)
}

// loopbackOnly refuses clients that do not connect from a loopback address.
func loopbackOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if ip := net.ParseIP(host); err != nil || ip == nil || !ip.IsLoopback() {
			writeJSON(w, http.StatusForbidden, map[string]string{
				"error": "mock: the admin API answers loopback clients only"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}
