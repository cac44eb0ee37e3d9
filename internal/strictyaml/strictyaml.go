// Package strictyaml checks a YAML document against the Go type it is about
// to be decoded into, before decoding: unknown fields, duplicate keys,
// anchors and aliases, null list items and mistyped values are errors with
// their line and field path, where the YAML decoder would drop or mangle
// them in silence. The lockfile and the krew manifest are read through it.
package strictyaml

import (
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Error is a structural problem with its line and field path.
type Error struct {
	Line int
	Path string
	Msg  string
}

func (e *Error) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("%d: %s", e.Line, e.Msg)
	}
	return fmt.Sprintf("%d: %s: %s", e.Line, e.Path, e.Msg)
}

// Options tune the check to the format.
type Options struct {
	// Document names the format in messages: "anchors and aliases are not
	// allowed in a lockfile".
	Document string
	// StringsOnly makes a string field take only a YAML string: a reader
	// that refuses `version: 1.0` where it wants "1.0" needs that.
	// Otherwise any scalar is text.
	StringsOnly bool
}

// Lines maps each field path checked ("workloads[3].containers[0].digest") to
// its line, so errors found after decoding can point into the file.
type Lines map[string]int

// Of returns the line of the longest recorded prefix of path.
func (l Lines) Of(path string) int {
	for p := path; ; {
		if line, ok := l[p]; ok {
			return line
		}
		i := strings.LastIndexAny(p, ".[")
		if i < 0 {
			return l[""]
		}
		p = p[:i]
	}
}

// Check walks the YAML tree along the Go type t and returns the line of
// every field path, or the first structural problem as an *Error.
func Check(n *yaml.Node, t reflect.Type, o Options) (Lines, error) {
	c := checker{opts: o, lines: Lines{}}
	return c.lines, c.check(n, t, "")
}

type checker struct {
	opts  Options
	lines Lines
}

func (c *checker) check(n *yaml.Node, t reflect.Type, path string) error {
	c.lines[path] = n.Line
	if n.Kind == yaml.AliasNode || n.Anchor != "" {
		msg := "anchors and aliases are not allowed"
		if c.opts.Document != "" {
			msg += " in " + c.opts.Document
		}
		return &Error{n.Line, path, msg}
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
			return &Error{n.Line, path, "expected a mapping"}
		}
		fields := Fields(t)
		return c.mapping(n, path, func(key string) (reflect.Type, bool) { ft, ok := fields[key]; return ft, ok })
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return &Error{n.Line, path, "expected a mapping"}
		}
		return c.mapping(n, path, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			return &Error{n.Line, path, "expected a list"}
		}
		for i, item := range n.Content {
			itemPath := fmt.Sprintf("%s[%d]", path, i)
			if item.Kind == yaml.ScalarNode && item.ShortTag() == "!!null" {
				// The decoder would drop the item, shifting the paths of the rest.
				return &Error{item.Line, itemPath, "list items must not be null"}
			}
			if err := c.check(item, t.Elem(), itemPath); err != nil {
				return err
			}
		}
	default:
		if n.Kind != yaml.ScalarNode {
			return &Error{n.Line, path, "expected a single value"}
		}
		if t.Kind() == reflect.String {
			if tag := n.ShortTag(); c.opts.StringsOnly && tag != "!!str" {
				return &Error{n.Line, path, fmt.Sprintf("%s is not a string (%s); quote it", n.Value, strings.TrimPrefix(tag, "!!"))}
			}
			return nil
		}
		if err := n.Decode(reflect.New(t).Interface()); err != nil {
			return &Error{n.Line, path, fmt.Sprintf("cannot read %q as %s", n.Value, t.Kind())}
		}
	}
	return nil
}

// mapping checks the keys and values of a mapping node; typeOf gives the
// type of a key's value, or false for an unknown field.
func (c *checker) mapping(n *yaml.Node, path string, typeOf func(string) (reflect.Type, bool)) error {
	seen := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, val := n.Content[i], n.Content[i+1]
		if key.Kind != yaml.ScalarNode {
			return &Error{key.Line, path, "mapping keys must be plain strings"}
		}
		ft, ok := typeOf(key.Value)
		if !ok {
			return &Error{key.Line, Join(path, key.Value), "unknown field"}
		}
		if line, dup := seen[key.Value]; dup {
			return &Error{key.Line, Join(path, key.Value), fmt.Sprintf("duplicate field (also line %d)", line)}
		}
		seen[key.Value] = key.Line
		if err := c.check(val, ft, Join(path, key.Value)); err != nil {
			return err
		}
	}
	return nil
}

// Fields maps the YAML names of a struct's fields, inlined ones included, to
// their types.
func Fields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if strings.Contains(opts, "inline") {
			for k, v := range Fields(f.Type) {
				fields[k] = v
			}
			continue
		}
		if name != "" && name != "-" {
			fields[name] = f.Type
		}
	}
	return fields
}

// Join appends a field to a path.
func Join(path, field string) string {
	if path == "" {
		return field
	}
	return path + "." + field
}
