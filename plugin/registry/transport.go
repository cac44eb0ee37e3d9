package registry

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"time"
)

// sentinel is an error constant, comparable with errors.Is.
type sentinel string

func (s sentinel) Error() string { return string(s) }

// errOtherScheme refuses a request in the scheme a registry is not reached
// over. The client library probes https and then http for registries it
// deems local, RFC 1918 addresses included; refusing the probe locally keeps
// plain-HTTP registries off TLS and, above all, every other registry off
// plain HTTP, whatever answers on port 80.
const errOtherScheme = sentinel("refused: not the scheme this registry is reached over")

// timeoutError is one request that got no complete answer within Options.Timeout.
type timeoutError struct {
	host  string
	after time.Duration
}

func (e *timeoutError) Error() string {
	return fmt.Sprintf("no answer from %s within %s", e.host, e.after)
}

// attemptTransport bounds each request, and so each retry, by a timeout,
// and sends it only in the scheme its host is reached over.
type attemptTransport struct {
	next      http.RoundTripper
	timeout   time.Duration
	plainHTTP func(host string) bool
}

func (t *attemptTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if (req.URL.Scheme == "http") != t.plainHTTP(req.URL.Host) {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, errOtherScheme
	}
	ctx, cancel := context.WithTimeout(req.Context(), t.timeout)
	resp, err := t.next.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		if errors.Is(ctx.Err(), context.DeadlineExceeded) && req.Context().Err() == nil {
			return nil, &timeoutError{host: req.URL.Host, after: t.timeout}
		}
		return nil, err
	}
	// The deadline also covers reading the body, as http.Client.Timeout does.
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

type cancelOnClose struct {
	io.ReadCloser
	cancel context.CancelFunc
}

func (b *cancelOnClose) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}

// retryTransport retries rate limits, server errors and network failures,
// doubling the wait each time, and notes the final outcome in the request's
// trace.
type retryTransport struct {
	next     http.RoundTripper
	attempts int
	backoff  time.Duration
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := req.Context()
	delay := t.backoff
	for attempt := 1; ; attempt++ {
		resp, err := t.next.RoundTrip(req)
		if attempt >= t.attempts || !shouldRetry(req, resp, err) {
			traceFrom(ctx).note(resp, err)
			return resp, err
		}
		if resp != nil {
			_, _ = io.CopyN(io.Discard, resp.Body, 64<<10) // lets the connection be reused
			resp.Body.Close()
		}
		if err := sleep(ctx, delay); err != nil {
			return nil, err
		}
		delay *= 2
		if req.GetBody != nil {
			body, err := req.GetBody()
			if err != nil {
				return nil, fmt.Errorf("rewinding request body: %w", err)
			}
			req = req.Clone(ctx)
			req.Body = body
		}
	}
}

func shouldRetry(req *http.Request, resp *http.Response, err error) bool {
	if req.Context().Err() != nil {
		return false
	}
	if req.Body != nil && req.Body != http.NoBody && req.GetBody == nil {
		return false // the body cannot be sent again
	}
	if err != nil {
		return retryableError(err)
	}
	switch code := resp.StatusCode; {
	case code == http.StatusTooManyRequests:
		return true
	case code == http.StatusNotImplemented, code == http.StatusHTTPVersionNotSupported:
		return false // answers about the request, not a passing state
	default:
		return code >= 500
	}
}

// retryableError is a network failure that may pass. A timeout is not
// retried: a registry that did not answer in Options.Timeout is reported
// rather than waited for again. Unknown hosts and untrusted certificates do
// not change between attempts either.
func retryableError(err error) bool {
	var te *timeoutError
	var dnsErr *net.DNSError
	var certErr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &te), errors.Is(err, errOtherScheme), errors.As(err, &certErr):
		return false
	case errors.As(err, &dnsErr):
		return !dnsErr.IsNotFound
	}
	return true
}

// sleep waits d, give or take a tenth so that concurrent retries spread out,
// or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	d += time.Duration((rand.Float64()*0.2 - 0.1) * float64(d))
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
