package strictyaml

import (
	"reflect"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestLineOf(t *testing.T) {
	lines := Lines{
		"":                              2,
		"scope":                         7,
		"workloads":                     11,
		"workloads[0]":                  12,
		"workloads[0].containers":       24,
		"workloads[0].containers[0]":    25,
		"workloads[0].containers[0].id": 26,
		"workloads[1]":                  40,
	}
	tests := []struct {
		name, path string
		want       int
	}{
		{"recorded path", "workloads[0].containers[0]", 25},
		{"missing leaf falls back to its parent", "workloads[0].containers[0].digest", 25},
		{"missing nested leaf", "workloads[0].containers[0].securityContext.capabilities.add", 25},
		{"missing index falls back to the list", "workloads[3].name", 11},
		{"index inside a recorded list", "workloads[1].containers[2].image", 40},
		{"top-level field not recorded", "apiVersion", 2},
		{"root", "", 2},
		{"prefix that only looks like a field", "workloads[0].containers[0].idx", 25},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lines.Of(tt.path); got != tt.want {
				t.Errorf("Of(%q) = %d, want %d", tt.path, got, tt.want)
			}
		})
	}
	if got := (Lines{}).Of("a.b[0]"); got != 0 {
		t.Errorf("Of(empty) = %d, want 0", got)
	}
}

func TestCheckErrors(t *testing.T) {
	type inner struct {
		Value int64    `yaml:"value"`
		List  []string `yaml:"list,omitempty"`
	}
	type outer struct {
		inner   `yaml:",inline"`
		Ptr     *inner  `yaml:"ptr"`
		Skipped string  `yaml:"-"`
		Items   []inner `yaml:"items"`
	}
	tests := []struct {
		name, in, want string
	}{
		{"valid", "value: 1\nlist: [a]\nptr: {value: 2}\nitems: [{value: 3}]", ""},
		{"inlined field is known", "value: 1", ""},
		{"null pointer", "ptr: ~", ""},
		{"skipped field is unknown", "Skipped: x", "1: Skipped: unknown field"},
		{"field of a pointer", "ptr:\n  nope: 1", "2: ptr.nope: unknown field"},
		{"item of a list", "items:\n  - value: 1\n  - value: x", `3: items[1].value: cannot read "x" as int64`},
		{"scalar list item", "list: [a, [b]]", "1: list[1]: expected a single value"},
		{"document is a scalar", "x", "1: expected a mapping"},
		{"alias in a list", "items: [&a {value: 1}, *a]", "1: items[0]: anchors and aliases are not allowed in a lockfile"},
		{"null list item", "list: [a, ~]", "1: list[1]: list items must not be null"},
		{"duplicate key", "value: 1\nvalue: 2", "2: value: duplicate field (also line 1)"},
		{"complex key", "? [a]\n: b", "1: mapping keys must be plain strings"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.in), &doc); err != nil {
				t.Fatal(err)
			}
			_, err := Check(doc.Content[0], reflect.TypeFor[outer](), Options{Document: "a lockfile"})
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Check() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckStringsOnly(t *testing.T) {
	type doc struct {
		Version string            `yaml:"version"`
		Labels  map[string]string `yaml:"labels"`
	}
	tests := []struct {
		name, in string
		opts     Options
		want     string
	}{
		{"a number is text by default", "version: 1.0", Options{}, ""},
		{"a number is not a string when strings only", "version: 1.0", Options{StringsOnly: true}, "1: version: 1.0 is not a string (float); quote it"},
		{"a quoted number is", `version: "1.0"`, Options{StringsOnly: true}, ""},
		{"map values", "labels: {os: linux, arch: 5}", Options{StringsOnly: true}, "1: labels.arch: 5 is not a string (int); quote it"},
		{"duplicate map key", "labels:\n  os: a\n  os: b", Options{}, "3: labels.os: duplicate field (also line 2)"},
		{"alias without a document name", "version: &v x", Options{}, "1: version: anchors and aliases are not allowed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tt.in), &n); err != nil {
				t.Fatal(err)
			}
			_, err := Check(n.Content[0], reflect.TypeFor[doc](), tt.opts)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Check() = %q, want %q", got, tt.want)
			}
		})
	}
}
