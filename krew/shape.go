package krew

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

var manifestType = reflect.TypeFor[manifest]()

// shapeError is a structural problem found before decoding, with its line.
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

// checkShape walks the YAML tree along the Go type it decodes into. It
// rejects unknown fields (a misspelt field would otherwise be dropped in
// silence), anchors and aliases, and values that are not strings where krew
// reads a string (krew fails to read a manifest whose version is 1.0 or whose
// sha256 happens to look like a number). It records the line of every field
// path so that errors can point into the file.
func checkShape(n *yaml.Node, t reflect.Type, path string, lines map[string]int) error {
	lines[path] = n.Line
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		return &shapeError{n.Line, path, "anchors and aliases are not allowed"}
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
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
			ft, ok := fields[key.Value]
			if key.Kind != yaml.ScalarNode || !ok {
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
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return &shapeError{n.Line, path, "expected a mapping"}
		}
		seen := map[string]int{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], n.Content[i+1]
			if key.Kind != yaml.ScalarNode || key.ShortTag() != "!!str" {
				return &shapeError{key.Line, path, "keys must be strings"}
			}
			if l, dup := seen[key.Value]; dup {
				return &shapeError{key.Line, join(path, key.Value), fmt.Sprintf("duplicate key (also line %d)", l)}
			}
			seen[key.Value] = key.Line
			if err := checkShape(val, t.Elem(), join(path, key.Value), lines); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return &shapeError{n.Line, path, "expected a list"}
		}
		for i, item := range n.Content {
			if item.Kind == yaml.ScalarNode && item.ShortTag() == "!!null" {
				// The decoder would drop the item, shifting the paths of the rest.
				return &shapeError{item.Line, fmt.Sprintf("%s[%d]", path, i), "list items must not be empty"}
			}
			if err := checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), lines); err != nil {
				return err
			}
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return &shapeError{n.Line, path, "expected a single value"}
		}
		if tag := n.ShortTag(); tag != "!!str" {
			return &shapeError{n.Line, path, fmt.Sprintf("%s is not a string (%s); quote it", n.Value, strings.TrimPrefix(tag, "!!"))}
		}
	}
	return nil
}

// yamlFields maps the YAML names of a struct's fields to their types.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
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
