package registry_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/authn"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
	"github.com/kubectl-drift/kubectl-drift/plugin/registry"
)

// BenchmarkResolve200Tags resolves 200 distinct tags against a registry that
// takes 20ms per request, 8 at a time. Ideally that costs 200 x 20ms / 8 =
// 500ms; ms/op shows how close the resolver gets (the repository's first
// request, which sets up auth, adds one round trip).
func BenchmarkResolve200Tags(b *testing.B) {
	const (
		tags        = 200
		latency     = 20 * time.Millisecond
		concurrency = 8
	)
	reg := testregistry.Start(b, testregistry.Options{Latency: latency})
	images := make([]string, tags)
	for i := range images {
		tag := fmt.Sprintf("bench/app:t%03d", i)
		reg.PushRandom(b, tag)
		images[i] = reg.Ref(tag)
	}
	r := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(), Concurrency: concurrency})
	for b.Loop() {
		got, err := r.Resolve(b.Context(), images)
		if err != nil || len(got) != tags {
			b.Fatalf("resolved %d of %d: %v", len(got), tags, err)
		}
	}
	b.ReportMetric(float64(tags*latency/concurrency)/float64(time.Millisecond), "ideal-ms/op")
	b.ReportMetric(float64(b.Elapsed())/float64(time.Millisecond)/float64(b.N), "ms/op")
	b.ReportMetric(float64(reg.Requests())/float64(b.N), "requests/op")
}
