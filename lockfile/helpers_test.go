package lockfile

import (
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// digest returns a well-formed sha256 digest made of one repeated hex digit.
func digest(hex string) string { return "sha256:" + strings.Repeat(hex, 64) }

func ptr[T any](v T) *T { return &v }

// fixture is a valid lockfile exercising every field; testdata/valid.yaml is
// its canonical rendering.
func fixture() *Lockfile {
	return &Lockfile{
		APIVersion: APIVersion,
		Kind:       Kind,
		Cluster:    &Cluster{Server: "https://example.test:6443", UID: "6c1f2a4e-0000-4000-8000-000000000001"},
		Scope:      []Scope{{Namespace: "shop"}, {Namespace: "batch", Selector: "tier=jobs"}},
		Workloads: []Workload{
			{
				WorkloadID: WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"},
				Pod: PodPosture{ServiceAccountName: "web", HostUsers: true, RuntimeClassName: "gvisor",
					Sysctls: []string{"net.ipv4.ip_local_port_range=1024 65000"}},
				Containers: []Container{
					{Name: "nginx", Image: "nginx:1.18", Digest: digest("a"), Entrypoint: digest("e"),
						SecurityContext: SecurityContext{RunAsNonRoot: true, RunAsUser: ptr[int64](1000),
							Capabilities: Capabilities{Add: []string{"NET_BIND_SERVICE"}, Drop: []string{"ALL"}},
							ProcMount:    "Default", SeccompProfile: Profile{Type: "RuntimeDefault"},
							AppArmorProfile: Profile{Type: "RuntimeDefault"}, SELinuxOptions: &SELinuxOptions{Level: "s0:c1,c2"}},
						HostPorts: []string{"8080/TCP"}},
					{Name: "setup", Init: true, Image: "busybox:1.36", ImageID: digest("b"), Entrypoint: digest("f"),
						SecurityContext: SecurityContext{AllowPrivilegeEscalation: true, ProcMount: "Default",
							SeccompProfile:  Profile{Type: "Unconfined"},
							AppArmorProfile: Profile{Type: "Localhost", LocalhostProfile: "k8s-apparmor"}},
						HostPaths: []string{"/var/log"}},
				},
			},
			{
				WorkloadID: WorkloadID{Group: "batch", Kind: "CronJob", Namespace: "batch", Name: "report"},
				Pod:        PodPosture{ServiceAccountName: "default", HostUsers: true, AutomountServiceAccountToken: true},
				Containers: []Container{{Name: "report", Image: "report@" + digest("c"), Digest: digest("c"),
					ImageID: digest("d"), Entrypoint: digest("0"),
					SecurityContext: SecurityContext{ProcMount: "Default", SeccompProfile: Profile{Type: "Unconfined"},
						AppArmorProfile: Profile{Type: "RuntimeDefault"}}}},
			},
		},
	}
}

// validYAML returns testdata/valid.yaml, the canonical rendering of fixture.
func validYAML(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "valid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// edit applies old→new replacements to s, failing when one does not apply
// exactly once, so a fixture change cannot silently turn a case into a no-op.
func edit(t *testing.T, s string, pairs ...string) string {
	t.Helper()
	for i := 0; i+1 < len(pairs); i += 2 {
		if n := strings.Count(s, pairs[i]); n != 1 {
			t.Fatalf("edit: %q occurs %d times, want 1", pairs[i], n)
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// container returns a locked regular container with a digest and the
// default posture.
func container(name, image, dig string) Container {
	return Container{Name: name, Image: image, Digest: dig, Entrypoint: digest("e"),
		SecurityContext: SecurityContext{ProcMount: "Default", SeccompProfile: Profile{Type: "RuntimeDefault"},
			AppArmorProfile: Profile{Type: "RuntimeDefault"}}}
}

func wid(ns, name string) WorkloadID {
	return WorkloadID{Group: "apps", Kind: "Deployment", Namespace: ns, Name: name}
}

// workload returns a locked workload with a default pod posture.
func workload(id WorkloadID, cs ...Container) Workload {
	return Workload{WorkloadID: id, Pod: PodPosture{ServiceAccountName: "default", HostUsers: true}, Containers: cs}
}

func lockfileOf(scope []Scope, ws ...Workload) *Lockfile {
	return &Lockfile{APIVersion: APIVersion, Kind: Kind, Scope: scope, Workloads: ws}
}

// listTemp lists the files of dir other than the ones named in keep.
func listTemp(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !slices.Contains(keep, e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}
