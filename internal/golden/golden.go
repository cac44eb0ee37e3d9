// Package golden compares rendered output with files under testdata, for
// tests; each test package defines its own -update flag and passes it in.
package golden

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Assert compares got with testdata/name, rewriting the file first when
// update is set (go test ./pkg/ -update).
func Assert(t testing.TB, name string, got []byte, update bool) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (run go test with -update if the change is intended)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
