package crashtest

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"sync"

	"github.com/zcbridge/zcbridge/mock"
	"github.com/zcbridge/zcbridge/regplatform"
)

// Attempt is one push an engine's client sent, as the send logs keep it:
// Answered tells whether the client read a whole success envelope. Any
// other attempt (a timeout, a reset, an error answer, a process killed
// while waiting) may have left the engine not knowing whether the platform
// stored the push, which is the only reason to send it again.
type Attempt struct {
	ID       string           `json:"id"`
	Flow     regplatform.Flow `json:"flow,omitempty"`
	SourceID string           `json:"source_id,omitempty"`
	Revision int              `json:"revision,omitempty"`
	Answered bool             `json:"-"`
}

// sendLog is the engine's transport: it sets HeaderEngine and appends one
// line per push to a file before sending it, and another once a success
// envelope has been read, each written straight to the file so that a
// SIGKILL loses neither.
type sendLog struct {
	owner string
	next  http.RoundTripper

	mu  sync.Mutex
	f   *os.File
	seq int
}

// logLine is one line of a send log: op "send" with the push's key, or
// "ok" naming an earlier send.
type logLine struct {
	Op string `json:"op"`
	Attempt
}

func newSendLog(path, owner string, next http.RoundTripper) (*sendLog, error) {
	l := &sendLog{owner: owner, next: next}
	if path == "" {
		return l, nil
	}
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, fmt.Errorf("crashtest: open send log: %w", err)
	}
	l.f = f
	return l, nil
}

// Close closes the log file.
func (l *sendLog) Close() error {
	if l.f == nil {
		return nil
	}
	return l.f.Close()
}

// pushFlows maps push paths to their flows.
var pushFlows = map[string]regplatform.Flow{
	"/v1/intentions":            regplatform.FlowIntention,
	"/v1/single-source/notices": regplatform.FlowSingleSource,
	"/v1/plans":                 regplatform.FlowPlan,
}

func (l *sendLog) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set(HeaderEngine, l.owner)
	flow, isPush := pushFlows[r.URL.Path]
	if r.Method != http.MethodPost || !isPush || l.f == nil || r.Body == nil {
		return l.next.RoundTrip(r)
	}

	body, err := io.ReadAll(r.Body)
	r.Body.Close()
	if err != nil {
		return nil, err
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }

	a := Attempt{Flow: flow}
	_ = json.Unmarshal(body, &a) // a body without a key is logged without one
	a.ID = l.nextID()
	l.write(logLine{Op: "send", Attempt: a})

	resp, err := l.next.RoundTrip(r)
	if err != nil || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	resp.Body = &answerReader{rc: resp.Body, done: func(b []byte) {
		var env regplatform.Envelope
		if json.Unmarshal(b, &env) == nil && env.Code == regplatform.CodeOK {
			l.write(logLine{Op: "ok", Attempt: Attempt{ID: a.ID}})
		}
	}}
	return resp, nil
}

func (l *sendLog) nextID() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.seq++
	return fmt.Sprintf("%s/%d", l.owner, l.seq)
}

func (l *sendLog) write(line logLine) {
	b, err := json.Marshal(line)
	if err != nil {
		return
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	_, _ = l.f.Write(append(b, '\n'))
}

// answerReader hands the whole body to done once it has been read to EOF.
type answerReader struct {
	rc   io.ReadCloser
	buf  bytes.Buffer
	done func([]byte)
}

func (a *answerReader) Read(p []byte) (int, error) {
	n, err := a.rc.Read(p)
	a.buf.Write(p[:n])
	if errors.Is(err, io.EOF) && a.done != nil {
		a.done(a.buf.Bytes())
		a.done = nil
	}
	return n, err
}

func (a *answerReader) Close() error { return a.rc.Close() }

// ReadSendLogs reads the attempts of every send log named, each marked
// answered when its "ok" line was written. A torn last line, as a killed
// process may leave, is skipped.
func ReadSendLogs(paths ...string) ([]Attempt, error) {
	var out []Attempt
	for _, p := range paths {
		f, err := os.Open(p)
		if err != nil {
			return nil, fmt.Errorf("crashtest: read send log: %w", err)
		}
		byID := map[string]int{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			var l logLine
			if json.Unmarshal(sc.Bytes(), &l) != nil {
				continue
			}
			switch l.Op {
			case "send":
				byID[l.ID] = len(out)
				out = append(out, l.Attempt)
			case "ok":
				if i, ok := byID[l.ID]; ok {
					out[i].Answered = true
				}
			}
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return nil, fmt.Errorf("crashtest: read send log %s: %w", p, err)
		}
	}
	return out, nil
}

// UnexplainedResends checks invariant 1 beyond what the platform's dedupe
// hides: for each revision, the pushes the platform took as duplicates must
// not outnumber the attempts of it that left their sender without a
// success answer. A duplicate with no such attempt before it means a second
// engine pushed a revision whose first push was answered: the claims did
// not keep engines apart. It returns one line per revision at fault.
func UnexplainedResends(duplicates map[mock.AcceptKey]int, attempts []Attempt) []string {
	unanswered := map[mock.AcceptKey]int{}
	for _, a := range attempts {
		if !a.Answered {
			unanswered[mock.AcceptKey{Flow: a.Flow, SourceID: a.SourceID, Revision: a.Revision}]++
		}
	}
	var out []string
	for k, n := range duplicates {
		if n > unanswered[k] {
			out = append(out, fmt.Sprintf("%s %s/%d pushed again %d times after %d "+
				"unanswered attempts", k.Flow, k.SourceID, k.Revision, n, unanswered[k]))
		}
	}
	slices.Sort(out)
	return out
}
