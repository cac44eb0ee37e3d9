package lockfile

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-drift/kubectl-drift/internal/strictyaml"
)

// MaxSize bounds the lockfile read into memory. A lockfile for tens of
// thousands of containers is a few megabytes; anything larger is refused
// before parsing rather than risking memory.
const MaxSize = 64 << 20

// ErrNotExist is returned (wrapped) by ReadFile when the lockfile is absent,
// so lock can start from an empty lockfile and check can say what to do.
var ErrNotExist = os.ErrNotExist

// ReadFile reads, strictly decodes and validates the lockfile at path.
func ReadFile(path string) (*Lockfile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading lockfile: %w", err)
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > MaxSize {
		return nil, fmt.Errorf("%s: lockfile is larger than %d MiB; refusing to read it", path, MaxSize>>20)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading lockfile %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, fmt.Errorf("%s: lockfile is larger than %d MiB; refusing to read it", path, MaxSize>>20)
	}
	return Decode(path, data)
}

// Decode strictly decodes and validates a lockfile document. name is used in
// error messages, which take the form "name:line: field.path: problem".
func Decode(name string, data []byte) (*Lockfile, error) {
	var root yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: lockfile is empty", name)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); err == nil {
		return nil, fmt.Errorf("%s:%d: lockfile holds more than one YAML document", name, extra.Line)
	} else if !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	doc := &root
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		doc = doc.Content[0]
	}
	lines, err := strictyaml.Check(doc, reflect.TypeFor[Lockfile](), strictyaml.Options{Document: "a lockfile"})
	if err != nil {
		return nil, fmt.Errorf("%s:%w", name, err)
	}
	var lf Lockfile
	if err := doc.Decode(&lf); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := lf.Validate(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return nil, fmt.Errorf("%s:%d: %w", name, lines.Of(fe.Path), err)
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &lf, nil
}
