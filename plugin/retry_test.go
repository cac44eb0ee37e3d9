package plugin

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"syscall"
	"testing"
	"time"

	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

func TestWithRetry(t *testing.T) {
	pods := schema.GroupResource{Resource: "pods"}
	tests := []struct {
		name      string
		errs      []error // what each call returns; nil succeeds
		wantCalls int
		wantErr   bool
	}{
		{"success", []error{nil}, 1, false},
		{"throttled twice, then an answer", []error{apierrors.NewTooManyRequests("slow down", 0), apierrors.NewTooManyRequests("slow down", 0), nil}, 3, false},
		{"server overloaded", []error{apierrors.NewServiceUnavailable("busy"), nil}, 2, false},
		{"server timeout", []error{apierrors.NewServerTimeout(pods, "list", 1), nil}, 2, false},
		{"connection reset", []error{fmt.Errorf("read: %w", syscall.ECONNRESET), nil}, 2, false},
		{"forbidden is final", []error{apierrors.NewForbidden(pods, "", errors.New("no")), nil}, 1, true},
		{"not found is final", []error{apierrors.NewNotFound(pods, "x"), nil}, 1, true},
		{"gives up after the last attempt", []error{
			apierrors.NewServiceUnavailable("busy"), apierrors.NewServiceUnavailable("busy"),
			apierrors.NewServiceUnavailable("busy"), apierrors.NewServiceUnavailable("busy"), nil}, pageAttempts, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls := 0
			_, err := withRetry(context.Background(), time.Millisecond, func() (int, error) {
				calls++
				return calls, tt.errs[calls-1]
			})
			if calls != tt.wantCalls || (err != nil) != tt.wantErr {
				t.Fatalf("calls = %d, err = %v; want %d calls, error %v", calls, err, tt.wantCalls, tt.wantErr)
			}
		})
	}
}

func TestWithRetryStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	start := time.Now()
	_, err := withRetry(ctx, time.Hour, func() (int, error) {
		calls++
		cancel()
		return 0, apierrors.NewServiceUnavailable("busy")
	})
	if err == nil || calls != 1 || time.Since(start) > time.Second {
		t.Fatalf("calls = %d, err = %v after %v: want one call and the error at once", calls, err, time.Since(start))
	}
}

func TestSummarizeFailures(t *testing.T) {
	refused := &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/api/v1/namespaces/a/pods?limit=500", Err: syscall.ECONNREFUSED}
	refused2 := &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/apis/apps/v1/namespaces/a/deployments?limit=500", Err: syscall.ECONNREFUSED}
	timedOut := &url.Error{Op: "Get", URL: "https://10.0.0.1:6443/apis/batch/v1/namespaces/a/jobs", Err: context.DeadlineExceeded}
	forbidden := apierrors.NewForbidden(schema.GroupResource{Resource: "secrets"}, "", errors.New("no"))
	errs := summarizeFailures("a", []listFailure{
		{order: 5, resource: "jobs.batch", err: timedOut},
		{order: 1, resource: "deployments.apps", err: refused2},
		{order: 0, resource: "pods", err: refused},
		{order: 7, resource: "secrets", err: forbidden},
	})
	want := []string{
		"listing pods, deployments.apps in namespace a: cannot reach the API server at https://10.0.0.1:6443: connection refused",
		"listing jobs.batch in namespace a: no answer from the API server at https://10.0.0.1:6443 in time (--request-timeout)",
		"listing secrets in namespace a: secrets is forbidden: no",
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d: %v", len(errs), len(want), errs)
	}
	for i := range want {
		if errs[i].Error() != want[i] {
			t.Errorf("error %d = %q\nwant %q", i, errs[i], want[i])
		}
	}
	if !apierrors.IsForbidden(errs[2]) || !errors.Is(errs[0], syscall.ECONNREFUSED) {
		t.Error("the first error of each cause is no longer reachable through errors.Is/As")
	}
}
