package plugin

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strings"
)

// listFailure is one list that failed.
type listFailure struct {
	order    int // the lister's position, so reports read the same every run
	resource string
	err      error
}

// summarizeFailures turns a namespace's failed lists into errors, one per
// cause: when the API server is unreachable every list fails alike, and one
// line naming all the resources says it better than eight.
func summarizeFailures(ns string, failures []listFailure) []error {
	slices.SortFunc(failures, func(a, b listFailure) int { return a.order - b.order })
	var causes []string
	resources := map[string][]string{}
	errs := map[string]error{}
	for _, f := range failures {
		cause := describeCause(f.err)
		if _, seen := resources[cause]; !seen {
			causes = append(causes, cause)
			errs[cause] = f.err
		}
		resources[cause] = append(resources[cause], f.resource)
	}
	out := make([]error, len(causes))
	for i, cause := range causes {
		out[i] = &listError{what: fmt.Sprintf("listing %s in %s", strings.Join(resources[cause], ", "), describeNamespace(ns)),
			cause: cause, err: errs[cause]}
	}
	return out
}

// listError keeps the first error of its cause for errors.Is and errors.As.
type listError struct {
	what, cause string
	err         error
}

func (e *listError) Error() string { return e.what + ": " + e.cause }
func (e *listError) Unwrap() error { return e.err }

// describeCause says why a list failed. Transport failures name the server,
// not each request's URL, so that lists failing alike read alike.
func describeCause(err error) string {
	var ue *url.Error
	if !errors.As(err, &ue) {
		return err.Error()
	}
	server := ue.URL
	if u, perr := url.Parse(ue.URL); perr == nil {
		server = u.Scheme + "://" + u.Host
	}
	var netErr net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()) {
		return fmt.Sprintf("no answer from the API server at %s in time (--request-timeout)", server)
	}
	return fmt.Sprintf("cannot reach the API server at %s: %v", server, ue.Err)
}
