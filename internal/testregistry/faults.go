package testregistry

import (
	"net/http"
	"sync/atomic"
)

// A Fault wraps the registry for the requests whose path contains the key it
// is registered under in Options.Faults, to reproduce how real registries and
// proxies misbehave.
type Fault func(next http.Handler) http.Handler

// TooManyThenOK answers the first n matching requests with 429 Too Many
// Requests, as a rate-limited registry does, and serves the rest.
func TooManyThenOK(n int) Fault {
	return func(next http.Handler) http.Handler {
		var seen atomic.Int64
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if seen.Add(1) <= int64(n) {
				w.Header().Set("Retry-After", "1")
				writeError(w, http.StatusTooManyRequests, "TOOMANYREQUESTS", "rate limited")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// AlwaysStatus answers every matching request with the given status.
func AlwaysStatus(code int) Fault {
	return func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, code, "UNKNOWN", http.StatusText(code))
		})
	}
}

// NotFound answers every matching request with 404 MANIFEST_UNKNOWN, even
// for content the registry holds.
func NotFound() Fault {
	return func(http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			writeError(w, http.StatusNotFound, "MANIFEST_UNKNOWN", "manifest unknown")
		})
	}
}

// RefuseHead answers HEAD with 405 Method Not Allowed, as some registries and
// proxies do, and serves every other method.
func RefuseHead() Fault {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.Header().Set("Allow", "GET")
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// OmitDigest serves matching requests without the Docker-Content-Digest
// header, as registries that do not implement it do, so a client must hash
// the manifest itself.
func OmitDigest() Fault {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			next.ServeHTTP(digestStripper{w}, r)
		})
	}
}

type digestStripper struct{ http.ResponseWriter }

func (d digestStripper) WriteHeader(code int) {
	d.Header().Del("Docker-Content-Digest")
	d.ResponseWriter.WriteHeader(code)
}

func (d digestStripper) Write(b []byte) (int, error) {
	d.Header().Del("Docker-Content-Digest")
	return d.ResponseWriter.Write(b)
}

// writeError writes an OCI distribution error body; HEAD gets the status only.
func writeError(w http.ResponseWriter, code int, errCode, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(`{"errors":[{"code":"` + errCode + `","message":"` + msg + `"}]}`))
}
