package registry

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote/transport"
)

// Reason classifies why an image could not be resolved, so that callers can
// tell a missing image from a missing login without parsing text.
type Reason string

// The reasons a lookup fails.
const (
	InvalidReference Reason = "invalid image reference"
	Unauthorized     Reason = "unauthorized: check your docker login / imagePullSecrets"
	NotFound         Reason = "not found"
	Unreachable      Reason = "registry unreachable"
	TimedOut         Reason = "timed out"
	Canceled         Reason = "canceled"
	RegistryError    Reason = "registry error"
	Failed           Reason = "lookup failed"
)

// ImageError is the failed lookup of one image reference. Its text never
// holds a credential: details come from status codes and network errors,
// and any secret of the lookup's keychain is masked.
type ImageError struct {
	Image  string
	Reason Reason
	Detail string
	cause  error // a context error, so errors.Is(err, context.Canceled) holds
}

func (e *ImageError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%s: %s", e.Image, e.Reason)
	}
	if e.Reason == Unauthorized || e.Reason == NotFound {
		return fmt.Sprintf("%s: %s (%s)", e.Image, e.Reason, e.Detail)
	}
	return fmt.Sprintf("%s: %s: %s", e.Image, e.Reason, e.Detail)
}

func (e *ImageError) Unwrap() error { return e.cause }

// ResolveError holds every failed lookup of a Resolve call, sorted by image.
type ResolveError struct {
	Failures []*ImageError
}

func (e *ResolveError) Error() string {
	lines := make([]string, len(e.Failures))
	for i, f := range e.Failures {
		lines[i] = f.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap exposes each failure to errors.As and errors.Is.
func (e *ResolveError) Unwrap() []error {
	errs := make([]error, len(e.Failures))
	for i, f := range e.Failures {
		errs[i] = f
	}
	return errs
}

func newResolveError(failures []*ImageError) error {
	if len(failures) == 0 {
		return nil
	}
	sort.Slice(failures, func(i, j int) bool { return failures[i].Image < failures[j].Image })
	return &ResolveError{Failures: failures}
}

// failure is a classified error, not yet tied to an image.
type failure struct {
	reason Reason
	detail string
	cause  error
}

func (f *failure) forImage(image string) *ImageError {
	return &ImageError{Image: image, Reason: f.reason, Detail: f.detail, cause: f.cause}
}

// statusError is a registry's answer to one of our own requests.
type statusError struct{ code int }

func (e *statusError) Error() string { return statusText(e.code) }

// classify turns err into a failure, reading tr when err is opaque, and
// masks secrets in whatever text it keeps.
func classify(ctx context.Context, err error, tr *trace, secrets []string) *failure {
	f := classifyErr(err)
	if f == nil {
		if status, terr := tr.last(); terr != nil {
			f = classifyErr(terr)
		} else if status != 0 {
			f = byStatus(status)
		}
	}
	if ctxErr := ctx.Err(); ctxErr != nil && (f == nil || f.reason == Unreachable || f.reason == TimedOut) {
		f = &failure{reason: Canceled, detail: ctxErr.Error(), cause: ctxErr}
		if errors.Is(ctxErr, context.DeadlineExceeded) {
			f.reason = TimedOut
		}
	}
	if f == nil {
		f = &failure{reason: Failed, detail: err.Error()}
	}
	f.detail = mask(f.detail, secrets)
	return f
}

// classifyErr recognises errors that unwrap to a status or a network
// failure, and returns nil for anything else.
func classifyErr(err error) *failure {
	var se *statusError
	var te *transport.Error
	var timeout *timeoutError
	var ue *url.Error
	var ne net.Error
	switch {
	case errors.Is(err, errOtherScheme):
		return nil // one of the probes was refused here: the trace says what the other met
	case errors.As(err, &se):
		return byStatus(se.code)
	case errors.As(err, &te):
		return byStatus(te.StatusCode)
	case errors.As(err, &timeout):
		return &failure{reason: TimedOut, detail: timeout.Error()}
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, context.Canceled):
		return nil // the caller's context decides, or this is a body read past the timeout
	case errors.As(err, &ue):
		// Keep the network error, not the URL and method around it.
		if f := classifyErr(ue.Err); f != nil {
			return f
		}
		return &failure{reason: Unreachable, detail: ue.Err.Error()}
	case errors.As(err, &ne):
		return &failure{reason: Unreachable, detail: ne.Error()}
	}
	return nil
}

func byStatus(code int) *failure {
	switch {
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return &failure{reason: Unauthorized, detail: statusText(code)}
	case code == http.StatusNotFound:
		return &failure{reason: NotFound}
	case code == http.StatusTooManyRequests || (code >= 500 && code != http.StatusNotImplemented && code != http.StatusHTTPVersionNotSupported):
		return &failure{reason: RegistryError, detail: fmt.Sprintf("%s (gave up after %d attempts)", statusText(code), maxAttempts)}
	default:
		return &failure{reason: RegistryError, detail: statusText(code)}
	}
}

func statusText(code int) string {
	return strings.TrimSpace(fmt.Sprintf("%d %s", code, http.StatusText(code)))
}

// mask replaces every secret found in s.
func mask(s string, secrets []string) string {
	for _, secret := range secrets {
		if secret != "" {
			s = strings.ReplaceAll(s, secret, "[redacted]")
		}
	}
	return s
}
