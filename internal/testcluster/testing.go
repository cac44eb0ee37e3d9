package testcluster

import (
	"context"
	"testing"
)

// StartForTest starts a cluster for one test (or benchmark) and stops it when
// the test ends. An error is fatal, never a skip. When the test has failed,
// the last lines of every program's log are added to its output.
func StartForTest(t testing.TB, opts Options) *Cluster {
	t.Helper()
	if opts.Dir == "" {
		opts.Dir = t.TempDir()
	}
	c, err := Start(context.Background(), opts)
	if err != nil {
		t.Fatalf("start test cluster: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			c.mu.Lock()
			procs := c.procs
			c.mu.Unlock()
			for _, p := range procs {
				t.Logf("last lines of %s:\n%s", p.logPath, tail(p.logPath, 15))
			}
		}
		c.Stop()
	})
	return c
}
