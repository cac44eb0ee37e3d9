package lockfile

import (
	"reflect"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/kubectl-drift/kubectl-drift/internal/strictyaml"
)

// TestCheckShapeLines checks the field paths strictyaml records for a lockfile, which are
// the paths Validate reports.
func TestCheckShapeLines(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(validYAML(t)), &doc); err != nil {
		t.Fatal(err)
	}
	lines, err := strictyaml.Check(doc.Content[0], reflect.TypeFor[Lockfile](), strictyaml.Options{Document: "a lockfile"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{
		"":                                2,
		"apiVersion":                      2,
		"cluster.uid":                     6,
		"scope[1]":                        10,
		"scope[0].selector":               9,
		"workloads[0]":                    12,
		"workloads[0].group":              12,
		"workloads[0].pod.hostPID":        18,
		"workloads[1].pod.sysctls[0]":     54,
		"workloads[1].containers[0].init": 57,
		"workloads[1].containers[1].securityContext.capabilities.drop[0]": 88,
		"workloads[1].containers[1].securityContext.seLinuxOptions.level": 95,
		"workloads[1].containers[1].hostPorts":                            97,
	}
	for path, line := range want {
		if got, ok := lines[path]; !ok || got != line {
			t.Errorf("lines[%q] = %d (recorded %v), want %d", path, got, ok, line)
		}
	}
	for path := range lines {
		if strings.Contains(path, "..") || strings.HasPrefix(path, ".") {
			t.Errorf("malformed path %q", path)
		}
	}
}

func TestYAMLFields(t *testing.T) {
	got := strictyaml.Fields(reflect.TypeFor[Workload]())
	var names []string
	for k := range got {
		names = append(names, k)
	}
	for _, want := range []string{"group", "kind", "namespace", "name", "pod", "containers"} {
		if _, ok := got[want]; !ok {
			t.Errorf("yamlFields(Workload) lacks %q: %q", want, names)
		}
	}
	if len(got) != 6 {
		t.Errorf("yamlFields(Workload) = %q, want 6 fields", names)
	}
}

func TestDiffFields(t *testing.T) {
	a := container("c", "img:1", digest("a"))
	b := a
	b.Digest = digest("b")
	b.Init = true
	b.SecurityContext.RunAsUser = ptr[int64](0)
	b.SecurityContext.SELinuxOptions = &SELinuxOptions{}
	b.SecurityContext.Capabilities.Drop = []string{"ALL", "NET_RAW"}
	b.HostPorts = []string{"80/TCP"}
	want := []Change{
		{"init", "false", "true"},
		{"securityContext.runAsUser", "", "0"},
		{"securityContext.capabilities.drop", "", "ALL,NET_RAW"},
		{"hostPorts", "", "80/TCP"},
	}
	if got := diffFields(a, b, "", identityFields); !reflect.DeepEqual(got, want) {
		t.Errorf("diffFields() =\n%s\nwant\n%s", dump(got), dump(want))
	}
	// An unset SELinuxOptions and an empty one are the same posture.
	if got := diffFields(a, b, "", map[string]bool{"digest": true, "init": true, "securityContext.runAsUser": true,
		"securityContext.capabilities.drop": true, "hostPorts": true}); got != nil {
		t.Errorf("diffFields() with every change skipped = %v, want none", got)
	}
	// Inlined fields are named without a prefix.
	wa, wb := Workload{WorkloadID: WorkloadID{Name: "a"}}, Workload{WorkloadID: WorkloadID{Name: "b"}}
	if got, want := diffFields(wa, wb, "", nil), []Change{{"name", "a", "b"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("diffFields(workload) = %v, want %v", got, want)
	}
	pa, pb := PodPosture{}, PodPosture{HostPID: true, Sysctls: []string{"a=1"}}
	if got, want := diffFields(pa, pb, "pod", nil), []Change{{"pod.hostPID", "false", "true"}, {"pod.sysctls", "", "a=1"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("diffFields(pod) = %v, want %v", got, want)
	}
}

func TestMarshalEntry(t *testing.T) {
	w := workload(WorkloadID{Kind: "Pod", Namespace: "shop", Name: "debug"}, Container{Name: "c", Image: "busybox", Digest: digest("a"), Entrypoint: digest("e")})
	want := "- kind: Pod\n  namespace: shop\n  name: debug\n  pod:\n    hostNetwork: false\n    hostPID: false\n    hostIPC: false\n" +
		"    hostUsers: true\n    shareProcessNamespace: false\n    serviceAccountName: default\n    automountServiceAccountToken: false\n" +
		"  containers:\n    - name: c\n      image: busybox\n      digest: " + digest("a") + "\n      entrypoint: " + digest("e") + "\n" +
		"      securityContext:\n        privileged: false\n        allowPrivilegeEscalation: false\n        readOnlyRootFilesystem: false\n" +
		"        runAsNonRoot: false\n        procMount: \"\"\n        seccompProfile:\n          type: \"\"\n        appArmorProfile:\n          type: \"\"\n"
	got, err := MarshalEntry(w)
	if err != nil || string(got) != want {
		t.Errorf("MarshalEntry() = %v\n%s\nwant\n%s", err, got, want)
	}
	if text := entryText(w); text != want {
		t.Errorf("entryText() = %s", text)
	}
}

func TestWorkloadID(t *testing.T) {
	tests := []struct {
		name string
		a, b WorkloadID
		want int
		str  string
	}{
		{"core group", WorkloadID{Kind: "Pod", Namespace: "a", Name: "p"}, WorkloadID{Kind: "Pod", Namespace: "a", Name: "p"}, 0, "Pod/a/p"},
		{"namespace first", WorkloadID{Group: "z", Kind: "Z", Namespace: "a", Name: "z"}, WorkloadID{Namespace: "b"}, -1, "z/Z/a/z"},
		{"then group", WorkloadID{Group: "batch", Namespace: "a"}, WorkloadID{Group: "apps", Kind: "A", Namespace: "a"}, 1, "batch//a/"},
		{"then kind", WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "a", Name: "z"}, WorkloadID{Group: "apps", Kind: "StatefulSet", Namespace: "a", Name: "a"}, -1, "apps/Deployment/a/z"},
		{"then name", WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "a", Name: "web"}, WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "a", Name: "api"}, 1, "apps/Deployment/a/web"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.a.Compare(tt.b); got != tt.want {
				t.Errorf("Compare() = %d, want %d", got, tt.want)
			}
			if got := tt.b.Compare(tt.a); got != -tt.want {
				t.Errorf("reverse Compare() = %d, want %d", got, -tt.want)
			}
			if got := tt.a.String(); got != tt.str {
				t.Errorf("String() = %q, want %q", got, tt.str)
			}
		})
	}
}

func TestIsSHA256(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want bool
	}{
		{digest("0"), true}, {digest("f"), true}, {digest("F"), false}, {digest("g"), false},
		{"sha256:" + strings.Repeat("a", 63), false}, {"sha256:" + strings.Repeat("a", 65), false},
		{"sha512:" + strings.Repeat("a", 64), false}, {strings.Repeat("a", 64), false}, {"", false},
		{digest("a") + "\n", false}, {" " + digest("a"), false},
	} {
		if got := IsSHA256(tt.in); got != tt.want {
			t.Errorf("IsSHA256(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
