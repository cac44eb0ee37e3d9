package e2e

import (
	"encoding/json"
	"strings"
	"testing"
)

// A namespace of the lockfile's scope that cannot be read is reported and
// makes the check exit 2, while the drift found in the others is still shown.
func TestCheckReportsDriftAndUnreadableNamespace(t *testing.T) {
	t.Parallel()
	readable := webScenario(t, "partial-ok")
	hidden := newScenario(t, "partial-hidden")
	hidden.apply("nightly.yaml")
	hidden.lockfile = readable.lockfile
	expect(t, readable.drift("lock", "-n", readable.ns), 0)
	expect(t, hidden.drift("lock", "-n", hidden.ns), 0)

	readable.kubectl("create", "rolebinding", "drift-view", "--clusterrole=view", "--user=drift-user")
	readable.kubectl("set", "image", "deployment/web", "nginx="+webImageNew)
	readable.kubeconfig = shared.cluster.UserKubeconfig

	r := readable.drift("check", "--color=never")
	expect(t, r, 2)
	contains(t, "stdout", r.stdout, "--- lock apps/Deployment/partial-ok/web", "+      image: "+webImageNew,
		"drift: 1 changed", "part of the scope could not be read")
	contains(t, "stderr", r.stderr, "listing pods in namespace partial-hidden", "forbidden")
	if strings.Contains(r.stdout, "no drift") {
		t.Errorf("a check that could not read a namespace said no drift:\n%s", r.stdout)
	}

	r = readable.drift("check", "-o", "json")
	expect(t, r, 2)
	var doc struct {
		Drift    bool              `json:"drift"`
		Findings []json.RawMessage `json:"findings"`
		Errors   []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
		t.Fatalf("stdout is not one JSON document: %v\n%s", err, r.stdout)
	}
	if !doc.Drift || len(doc.Findings) != 1 || len(doc.Errors) != 1 {
		t.Fatalf("want drift, one finding and one error, got %s", r.stdout)
	}
	contains(t, "json error", doc.Errors[0].Message, "partial-hidden", "forbidden")

	// Narrowed to the readable namespace, the check is complete again.
	expect(t, readable.drift("check", "-n", readable.ns), 1)
}
