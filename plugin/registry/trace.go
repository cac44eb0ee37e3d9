package registry

import (
	"context"
	"errors"
	"net/http"
	"sync"
)

// trace keeps the last failure the transport saw during one operation. When
// the first contact with a registry fails, the client library may return the
// errors of its https and http probes joined, and errors.As then finds the
// probe refused by errOtherScheme, which never left this process; the trace
// says what the other probe met.
type trace struct {
	mu     sync.Mutex
	err    error
	status int
}

type traceKey struct{}

func withTrace(ctx context.Context) (context.Context, *trace) {
	t := &trace{}
	return context.WithValue(ctx, traceKey{}, t), t
}

// traceFrom returns the operation's trace, or nil outside one.
func traceFrom(ctx context.Context) *trace {
	t, _ := ctx.Value(traceKey{}).(*trace)
	return t
}

// note records a request's final outcome if it failed.
func (t *trace) note(resp *http.Response, err error) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	switch {
	case err != nil && !errors.Is(err, errOtherScheme):
		t.err, t.status = err, 0
	case err == nil && resp.StatusCode >= 400:
		t.err, t.status = nil, resp.StatusCode
	}
}

func (t *trace) last() (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.status, t.err
}
