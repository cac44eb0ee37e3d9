package plugin

import (
	"context"
	"errors"
	"syscall"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

// Transient failures of one page are retried this many times in all, the
// waits doubling from firstRetryWait: enough to ride out an API server
// restart's blip or a burst of throttling, short enough for a CI job.
const (
	pageAttempts   = 4
	firstRetryWait = 200 * time.Millisecond
)

// withRetry runs one page request, again after a wait when it fails in a
// way that may pass (throttling, a server timeout or overload, a reset
// connection). Anything else, and a cancelled context, fails at once.
func withRetry[T any](ctx context.Context, wait time.Duration, do func() (T, error)) (T, error) {
	for attempt := 1; ; attempt++ {
		v, err := do()
		if err == nil || attempt == pageAttempts || !transient(err) {
			return v, err
		}
		select {
		case <-ctx.Done():
			return v, err
		case <-time.After(wait):
		}
		wait *= 2
	}
}

// transient reports whether a failed request may succeed when repeated. A
// request that ran out of --request-timeout is not repeated: the user's
// timeout bounds the run.
func transient(err error) bool {
	switch {
	case apierrors.IsTooManyRequests(err), apierrors.IsServerTimeout(err), apierrors.IsTimeout(err),
		apierrors.IsServiceUnavailable(err), apierrors.IsInternalError(err):
		return true
	}
	return errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}
