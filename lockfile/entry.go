package lockfile

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// MarshalEntry renders one workload entry exactly as it appears in a
// lockfile, as a one-element list, so diffs read like the lockfile.
func MarshalEntry(w Workload) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode([]Workload{w}); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// entryText is MarshalEntry for entries built in memory, whose types always
// encode; an impossible error is rendered rather than panicking.
func entryText(w Workload) string {
	b, err := MarshalEntry(w)
	if err != nil {
		return "# cannot render entry: " + err.Error() + "\n"
	}
	return string(b)
}
