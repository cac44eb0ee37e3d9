package lockfile

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

var lockfileType = reflect.TypeFor[Lockfile]()

// shapeError is a structural problem found before decoding: an unknown
// field, an alias, or a node of the wrong kind, with its line.
type shapeError struct {
	line int
	path string
	msg  string
}

func (e *shapeError) Error() string {
	if e.path == "" {
		return fmt.Sprintf("%d: %s", e.line, e.msg)
	}
	return fmt.Sprintf("%d: %s: %s", e.line, e.path, e.msg)
}

// checkShape walks the YAML tree along the Go type it will decode into. It
// rejects unknown fields and anchors or aliases (a lockfile never needs them,
// and refusing them rules out alias bombs), and records the line of every
// field path so validation errors can point into the file.
func checkShape(n *yaml.Node, t reflect.Type, path string, lines map[string]int) error {
	lines[path] = n.Line
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return &shapeError{n.Line, path, "anchors and aliases are not allowed in a lockfile"}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return &shapeError{n.Line, path, "expected a mapping"}
		}
		fields := yamlFields(t)
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			if key.Kind != yaml.ScalarNode {
				return &shapeError{key.Line, path, "mapping keys must be plain strings"}
			}
			ft, ok := fields[key.Value]
			if !ok {
				return &shapeError{key.Line, join(path, key.Value), "unknown field"}
			}
			if l, dup := seen[key.Value]; dup {
				return &shapeError{key.Line, join(path, key.Value), fmt.Sprintf("duplicate field (also line %d)", l)}
			}
			seen[key.Value] = key.Line
			if err := checkShape(val, ft, join(path, key.Value), lines); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return &shapeError{n.Line, path, "expected a list"}
		}
		for i, item := range n.Content {
			if item.Kind == yaml.ScalarNode && item.Tag == "!!null" {
				// The decoder would drop the item, shifting the paths of the rest.
				return &shapeError{item.Line, fmt.Sprintf("%s[%d]", path, i), "list items must not be null"}
			}
			if err := checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), lines); err != nil {
				return err
			}
		}
	default:
		if n.Kind != yaml.ScalarNode {
			return &shapeError{n.Line, path, "expected a single value"}
		}
		// A string field takes any scalar; check the other kinds here, so a wrong
		// value is reported with its field path.
		if t.Kind() == reflect.String {
			break
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return &shapeError{n.Line, path, fmt.Sprintf("cannot read %q as %s", n.Value, t.Kind())}
		}
	}
	return nil
}

// yamlFields maps the YAML names of a struct's fields, inlined ones included,
// to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(opts, "inline") {
			for k, v := range yamlFields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name == "" || name == "-" {
			continue
		}
		fields[name] = f.Type
	}
	return fields
}

func join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}

// lineOf returns the line of the longest recorded prefix of path.
func lineOf(lines map[string]int, path string) int {
	for p := path; ; {
		if l, ok := lines[p]; ok {
			return l
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return lines[""]
		}
		p = p[:i]
	}
}
