package lockfile

import (
	"reflect"
	"strconv"
	"strings"

	"github.com/kubectl-drift/kubectl-drift/internal/strictyaml"
)

// field is one leaf of an entry: its YAML path and its value as text.
type field struct {
	path, value string
}

// flatten lists the leaves of a struct by YAML field name, so entries are
// compared field by field and a change names the field as the lockfile does
// ("securityContext.capabilities.add"). Lists become one comma-separated value.
func flatten(v any, prefix string) []field {
	var out []field
	flattenValue(reflect.ValueOf(v), prefix, &out)
	return out
}

func flattenValue(v reflect.Value, path string, out *[]field) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			if v.Type().Elem().Kind() == reflect.Struct {
				flattenValue(reflect.New(v.Type().Elem()).Elem(), path, out)
				return
			}
			*out = append(*out, field{path, ""})
			return
		}
		flattenValue(v.Elem(), path, out)
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			name, opts, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
			if strings.Contains(opts, "inline") {
				flattenValue(v.Field(i), path, out)
				continue
			}
			flattenValue(v.Field(i), strictyaml.Join(path, name), out)
		}
	case reflect.Slice:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = scalarText(v.Index(i))
		}
		*out = append(*out, field{path, strings.Join(parts, ",")})
	default:
		*out = append(*out, field{path, scalarText(v)})
	}
}

func scalarText(v reflect.Value) string {
	switch v.Kind() {
	case reflect.Bool:
		return strconv.FormatBool(v.Bool())
	case reflect.Int, reflect.Int64, reflect.Int32:
		return strconv.FormatInt(v.Int(), 10)
	default:
		return v.String()
	}
}

// diffFields compares two values of one struct type leaf by leaf, skipping
// the paths in skip.
func diffFields(locked, live any, prefix string, skip map[string]bool) []Change {
	a, b := flatten(locked, prefix), flatten(live, prefix)
	var changes []Change
	for i := range a {
		if skip[a[i].path] || a[i].value == b[i].value {
			continue
		}
		changes = append(changes, Change{Field: a[i].path, Locked: a[i].value, Live: b[i].value})
	}
	return changes
}

// podChanges compares pod postures; equal ones, by far the common case, are
// not flattened at all.
func podChanges(locked, live PodPosture) []Change {
	if reflect.DeepEqual(locked, live) {
		return nil
	}
	return diffFields(locked, live, "pod", nil)
}

// containerChanges compares every recorded field but the identity, which
// is compared kind with kind elsewhere; equal containers are not flattened.
func containerChanges(locked, live Container) []Change {
	a, b := locked, live
	a.Digest, a.ImageID, b.Digest, b.ImageID = "", "", "", ""
	if reflect.DeepEqual(a, b) {
		return nil
	}
	return diffFields(locked, live, "", identityFields)
}
