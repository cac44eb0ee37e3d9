package registry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPlainHTTP(t *testing.T) {
	r := New(Options{InsecureRegistries: []string{"registry.lan:5000", "http://mirror.lan/", "Upper.LAN"}})
	tests := []struct {
		registry string
		want     bool
	}{
		{"localhost", true},
		{"localhost:5000", true},
		{"kind-registry.localhost:5000", true},
		{"127.0.0.1:5000", true},
		{"127.0.0.2", true},
		{"[::1]:5000", true},
		{"registry.lan:5000", true},
		{"registry.lan:5001", false},
		{"registry.lan", false},
		{"mirror.lan", true},
		{"mirror.lan:8080", true},
		{"upper.lan", true},
		{"index.docker.io", false},
		{"10.0.0.7:5000", false}, // private, but not loopback: TLS unless listed
		{"192.168.1.2", false},
		{"notlocalhost:5000", false},
	}
	for _, tt := range tests {
		if got := r.plainHTTP(tt.registry); got != tt.want {
			t.Errorf("plainHTTP(%q) = %v, want %v", tt.registry, got, tt.want)
		}
	}
}

// fakeRoundTripper answers with the given statuses or errors in turn.
type fakeRoundTripper struct {
	answers []any // int status or error
	calls   int
}

func (f *fakeRoundTripper) RoundTrip(req *http.Request) (*http.Response, error) {
	a := f.answers[min(f.calls, len(f.answers)-1)]
	f.calls++
	if err, ok := a.(error); ok {
		return nil, err
	}
	return &http.Response{StatusCode: a.(int), Body: http.NoBody, Request: req}, nil
}

func TestRetryPolicy(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
	tests := []struct {
		name      string
		answers   []any
		wantCalls int
		wantCode  int
	}{
		{"429 then ok", []any{429, 429, 200}, 3, 200},
		{"500 forever", []any{500}, 4, 500},
		{"502 503 504 then ok", []any{502, 503, 504, 200}, 4, 200},
		{"501 is an answer", []any{501, 200}, 1, 501},
		{"401 is an answer", []any{401, 200}, 1, 401},
		{"404 is an answer", []any{404, 200}, 1, 404},
		{"connection refused is retried", []any{refused, refused, 200}, 3, 200},
		{"a timeout is not retried", []any{&timeoutError{host: "h", after: time.Second}, 200}, 1, 0},
		{"an unknown host is not retried", []any{&net.DNSError{Err: "no such host", Name: "x.invalid", IsNotFound: true}, 200}, 1, 0},
		{"the refused scheme is not retried", []any{errOtherScheme, 200}, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeRoundTripper{answers: tt.answers}
			rt := &retryTransport{next: fake, attempts: 4, backoff: time.Millisecond}
			req, _ := http.NewRequestWithContext(t.Context(), http.MethodHead, "https://r.example/v2/a/manifests/v1", nil)
			resp, err := rt.RoundTrip(req)
			if fake.calls != tt.wantCalls {
				t.Errorf("%d attempts, want %d", fake.calls, tt.wantCalls)
			}
			code := 0
			if err == nil {
				code = resp.StatusCode
			}
			if code != tt.wantCode {
				t.Errorf("final status %d (err %v), want %d", code, err, tt.wantCode)
			}
		})
	}
}

func TestRetryStopsWhenTheCallerGivesUp(t *testing.T) {
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	fake := &fakeRoundTripper{answers: []any{503}}
	rt := &retryTransport{next: fake, attempts: 4, backoff: 10 * time.Second}
	req, _ := http.NewRequestWithContext(ctx, http.MethodHead, "https://r.example/v2/a/manifests/v1", nil)
	start := time.Now()
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > time.Second {
		t.Fatalf("got %v after %s, want the deadline within a second", err, time.Since(start))
	}
}

func TestAttemptTransportKeepsEachRegistryToItsScheme(t *testing.T) {
	r := New(Options{})
	fake := &fakeRoundTripper{answers: []any{200}}
	at := &attemptTransport{next: fake, timeout: time.Second, plainHTTP: r.plainHTTP}
	for _, u := range []string{"https://127.0.0.1:5000/v2/", "http://10.0.0.7/v2/", "http://index.docker.io/v2/"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if _, err := at.RoundTrip(req); !errors.Is(err, errOtherScheme) {
			t.Errorf("%s: err = %v, want it refused", u, err)
		}
	}
	if fake.calls != 0 {
		t.Fatalf("%d refused requests reached the network", fake.calls)
	}
	for _, u := range []string{"http://127.0.0.1:5000/v2/", "https://10.0.0.7/v2/"} {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, u, nil)
		if resp, err := at.RoundTrip(req); err != nil || resp.StatusCode != 200 {
			t.Errorf("%s: %v, want it sent", u, err)
		}
	}
}

func TestClassifyMasksSecrets(t *testing.T) {
	err := errors.New("token exchange said: bad password hunter2 for cm9ib3Q6aHVudGVyMg==")
	f := classify(t.Context(), err, &trace{}, []string{"", "hunter2", "cm9ib3Q6aHVudGVyMg=="})
	got := f.forImage("r.example/app:v1").Error()
	want := "r.example/app:v1: lookup failed: token exchange said: bad password [redacted] for [redacted]"
	if got != want {
		t.Fatalf("got  %q\nwant %q", got, want)
	}
	if strings.Contains(got, "hunter2") {
		t.Fatal("secret leaked")
	}
}
