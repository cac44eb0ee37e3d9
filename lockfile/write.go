package lockfile

import (
	"bytes"
	"cmp"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Header opens every lockfile written.
const Header = "# kubectl-drift lockfile: approved images and security contexts. Review changes like code.\n"

// Sort puts scope entries, workloads and containers in their canonical order:
// what makes locking an unchanged cluster twice byte-identical.
func (lf *Lockfile) Sort() {
	slices.SortFunc(lf.Scope, compareScope)
	lf.Scope = slices.Compact(lf.Scope)
	slices.SortFunc(lf.Workloads, func(a, b Workload) int { return a.WorkloadID.Compare(b.WorkloadID) })
	for i := range lf.Workloads {
		SortContainers(lf.Workloads[i].Containers)
	}
}

// SortContainers orders init containers before regular ones, each by name.
func SortContainers(cs []Container) {
	slices.SortFunc(cs, func(a, b Container) int {
		if a.Init != b.Init {
			if a.Init {
				return -1
			}
			return 1
		}
		return cmp.Compare(a.Name, b.Name)
	})
}

func compareScope(a, b Scope) int {
	if a.AllNamespaces != b.AllNamespaces {
		if a.AllNamespaces {
			return -1
		}
		return 1
	}
	return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Selector, b.Selector))
}

// Marshal validates and renders the lockfile in its canonical form.
func (lf *Lockfile) Marshal() ([]byte, error) {
	lf.Sort()
	if err := lf.Validate(); err != nil {
		return nil, fmt.Errorf("refusing to write an invalid lockfile: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(Header)
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(lf); err != nil {
		return nil, fmt.Errorf("encoding lockfile: %w", err)
	}
	if err := enc.Close(); err != nil {
		return nil, fmt.Errorf("encoding lockfile: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFileAtomic replaces path with data so that a reader, or a crash at any
// point, sees either the old file or the new one, never a mix: a temporary
// file in the same directory, fsync, rename, then fsync of the directory.
// The old file's permissions are kept; a new file gets 0644.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	mode := os.FileMode(0o644)
	if fi, statErr := os.Stat(path); statErr == nil {
		mode = fi.Mode().Perm()
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	if _, err = tmp.Write(data); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Chmod(mode); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, derr := os.Open(dir); derr == nil {
		// The rename is durable only once the directory entry is.
		_ = d.Sync()
		d.Close()
	}
	return nil
}
