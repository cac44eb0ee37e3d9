package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"
)

// countingProxy stands on loopback in front of the API server and counts the
// requests and response bytes of every client that goes through it. It
// speaks plain HTTP to its clients and adds the admin bearer token, so a
// kubeconfig pointing at it needs no credentials.
type countingProxy struct {
	URL    string
	server *http.Server

	mu       sync.Mutex
	requests map[string]int64 // by resource, e.g. "pods", "deployments.apps"
	bytes    int64
}

// traffic is what went through the proxy since the last reset.
type traffic struct {
	Requests   int64            `json:"requests"`
	ByResource map[string]int64 `json:"byResource"`
	Bytes      int64            `json:"responseBytes"`
}

func startProxy(apiserver, caFile, token string) (*countingProxy, error) {
	target, err := url.Parse(apiserver)
	if err != nil {
		return nil, err
	}
	caPEM, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(caPEM) {
		return nil, fmt.Errorf("no certificate in %s", caFile)
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		ForceAttemptHTTP2:   true,
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     90 * time.Second,
	}
	p := &countingProxy{requests: map[string]int64{}}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(target)
			r.Out.Header.Set("Authorization", "Bearer "+token)
		},
		Transport: transport,
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p.URL = "http://" + l.Addr().String()
	p.server = &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &countingWriter{ResponseWriter: w}
		rp.ServeHTTP(cw, r)
		p.mu.Lock()
		p.requests[resourceOf(r.URL.Path)]++
		p.bytes += cw.n
		p.mu.Unlock()
	}), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.server.Serve(l) }()
	return p, nil
}

// take returns the traffic since the last call and starts counting afresh.
func (p *countingProxy) take() traffic {
	p.mu.Lock()
	defer p.mu.Unlock()
	t := traffic{ByResource: p.requests, Bytes: p.bytes}
	for _, n := range p.requests {
		t.Requests += n
	}
	p.requests, p.bytes = map[string]int64{}, 0
	return t
}

func (p *countingProxy) Close() error { return p.server.Close() }

// kubeconfig returns a kubeconfig that talks to the API server through the
// proxy.
func (p *countingProxy) kubeconfig() string {
	return fmt.Sprintf(`apiVersion: v1
kind: Config
clusters:
- name: bench
  cluster:
    server: %s
users:
- name: bench
  user: {}
contexts:
- name: bench
  context: {cluster: bench, user: bench, namespace: default}
current-context: bench
`, p.URL)
}

// resourceOf names what a request path is about: "pods" for
// /api/v1/pods and /api/v1/namespaces/x/pods, "deployments.apps" for
// /apis/apps/v1/deployments, "namespaces" for /api/v1/namespaces/kube-system,
// "discovery" for /api, /apis and /openapi.
func resourceOf(path string) string {
	parts := strings.Split(strings.Trim(path, "/"), "/")
	var group string
	var rest []string
	switch {
	case len(parts) >= 2 && parts[0] == "api":
		rest = parts[2:]
	case len(parts) >= 3 && parts[0] == "apis":
		group, rest = parts[1], parts[3:]
	default:
		return "discovery"
	}
	var res string
	switch {
	case len(rest) == 0:
		return "discovery"
	case rest[0] == "namespaces" && len(rest) >= 3:
		res = rest[2]
	default:
		res = rest[0]
	}
	if group != "" {
		res += "." + group
	}
	return res
}

type countingWriter struct {
	http.ResponseWriter
	n int64
}

func (w *countingWriter) Write(b []byte) (int, error) {
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Flush lets the reverse proxy stream responses through the counter.
func (w *countingWriter) Flush() {
	if f, ok := w.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}
