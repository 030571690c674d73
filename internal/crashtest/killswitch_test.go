package crashtest

import (
	"bufio"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// killSwitch stands in front of the platform. Once armed, the first push
// from the victim engine whose answer the platform starts to write (so the
// push was handled, and usually stored) is held: held is closed, and the
// answer waits until release is called or holdLimit passes. The test kills
// the victim in between, so the engine dies with the push sent and its
// answer unread.
type killSwitch struct {
	next http.Handler
	// armed decides, for each push of the victim, whether it is time.
	armed func() bool

	mu       sync.Mutex
	victim   string
	fired    bool
	held     chan struct{}
	released chan struct{}
}

// holdLimit bounds how long an answer is held.
const holdLimit = 10 * time.Second

func newKillSwitch(next http.Handler, victim string, armed func() bool) *killSwitch {
	return &killSwitch{next: next, victim: victim, armed: armed,
		held: make(chan struct{}), released: make(chan struct{})}
}

// Held is closed once a push of the victim is held.
func (k *killSwitch) Held() <-chan struct{} { return k.held }

// Release lets the held answer go (to a dead connection, by then).
func (k *killSwitch) Release() {
	k.mu.Lock()
	defer k.mu.Unlock()
	select {
	case <-k.released:
	default:
		close(k.released)
	}
}

func (k *killSwitch) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.Header.Get(HeaderEngine) != k.victim ||
		!k.take() {
		k.next.ServeHTTP(w, r)
		return
	}
	hw := &holdWriter{ResponseWriter: w, k: k}
	defer func() {
		if !hw.holding {
			// No answer was written (a dropped connection or a stall the
			// client gave up on): the next push is tried instead.
			k.untake()
		}
	}()
	k.next.ServeHTTP(hw, r)
}

// take reports whether this push is the one to hold, and marks it taken.
func (k *killSwitch) take() bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	if k.fired || !k.armed() {
		return false
	}
	k.fired = true
	return true
}

func (k *killSwitch) untake() {
	k.mu.Lock()
	defer k.mu.Unlock()
	select {
	case <-k.held:
	default:
		k.fired = false
	}
}

// hold closes held and waits for the release.
func (k *killSwitch) hold() {
	close(k.held)
	select {
	case <-k.released:
	case <-time.After(holdLimit):
	}
}

// holdWriter holds the first write of an answer.
type holdWriter struct {
	http.ResponseWriter
	k       *killSwitch
	holding bool
}

func (w *holdWriter) begin() {
	if !w.holding {
		w.holding = true
		w.k.hold()
	}
}

func (w *holdWriter) WriteHeader(code int) {
	w.begin()
	w.ResponseWriter.WriteHeader(code)
}

func (w *holdWriter) Write(b []byte) (int, error) {
	w.begin()
	return w.ResponseWriter.Write(b)
}

// Hijack lets the platform drop the connection as it does unheld.
func (w *holdWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	return w.ResponseWriter.(http.Hijacker).Hijack()
}

// Flush passes flushes on.
func (w *holdWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// TestKillSwitchHoldsTheVictimsAnsweredPushOnly checks the switch itself:
// other engines, reads and pushes before arming pass; a victim's push
// whose answer is never written is not held; the next one is, until
// released.
func TestKillSwitchHoldsTheVictimsAnsweredPushOnly(t *testing.T) {
	armed := false
	var served []string
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		served = append(served, r.Header.Get(HeaderEngine)+" "+r.Method+" "+r.URL.Path)
		if r.URL.Path == "/silent" {
			return
		}
		_, _ = w.Write([]byte("ok"))
	})
	k := newKillSwitch(next, "victim", func() bool { return armed })
	do := func(engine, method, path string) {
		r := httptest.NewRequest(method, path, nil)
		r.Header.Set(HeaderEngine, engine)
		k.ServeHTTP(httptest.NewRecorder(), r)
	}

	do("victim", http.MethodPost, "/v1/intentions") // not armed yet
	armed = true
	do("other", http.MethodPost, "/v1/intentions")
	do("victim", http.MethodGet, "/v1/intentions/results")
	do("victim", http.MethodPost, "/silent") // no answer written: not held
	select {
	case <-k.Held():
		t.Fatal("held before the victim's answered push")
	default:
	}

	answered := make(chan struct{})
	go func() {
		defer close(answered)
		do("victim", http.MethodPost, "/v1/plans")
	}()
	<-k.Held()
	select {
	case <-answered:
		t.Fatal("the held answer went out before the release")
	default:
	}
	k.Release()
	<-answered
	assert.False(t, k.take(), "a second push is held too")

	assert.Equal(t, []string{
		"victim POST /v1/intentions", "other POST /v1/intentions",
		"victim GET /v1/intentions/results", "victim POST /silent",
		"victim POST /v1/plans",
	}, served)
}
