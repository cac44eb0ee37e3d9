package lockfile

import (
	"reflect"
	"strings"
	"testing"
)

const nginxSC = "          privileged: false\n          allowPrivilegeEscalation: false\n          readOnlyRootFilesystem: false\n          runAsNonRoot: true\n"

func TestDecodeValid(t *testing.T) {
	lf, err := Decode("drift.lock.yaml", []byte(validYAML(t)))
	if err != nil {
		t.Fatalf("Decode() = %v", err)
	}
	want := fixture()
	want.Sort()
	if !reflect.DeepEqual(lf, want) {
		t.Errorf("Decode() =\n%s\nwant\n%s", dump(lf), dump(want))
	}
}

// TestDecodeErrors edits testdata/valid.yaml one way at a time; each message
// names the file, the line and the field path.
func TestDecodeErrors(t *testing.T) {
	tests := []struct {
		name    string
		edits   []string // old, new pairs applied to valid.yaml
		wantErr string
	}{
		{"unknown top-level field", []string{"kind: DriftLock\n", "kind: DriftLock\nextra: 1\n"},
			"drift.lock.yaml:4: extra: unknown field"},
		{"unknown nested field", []string{nginxSC, strings.Replace(nginxSC, "privileged", "privilegd", 1)},
			"drift.lock.yaml:79: workloads[1].containers[1].securityContext.privilegd: unknown field"},
		{"unknown pod field", []string{"      hostNetwork: false\n      hostPID: false\n      hostIPC: false\n      hostUsers: true\n      shareProcessNamespace: false\n      serviceAccountName: web",
			"      hostNetwrok: false\n      hostPID: false\n      hostIPC: false\n      hostUsers: true\n      shareProcessNamespace: false\n      serviceAccountName: web"},
			"drift.lock.yaml:45: workloads[1].pod.hostNetwrok: unknown field"},
		{"unknown cluster field", []string{"  server:", "  url:"}, "drift.lock.yaml:5: cluster.url: unknown field"},
		{"unknown scope field", []string{"    selector: tier=jobs", "    labels: tier=jobs"}, "drift.lock.yaml:9: scope[0].labels: unknown field"},
		{"wrong apiVersion", []string{"apiVersion: kubectl-drift.dev/v1alpha1", "apiVersion: kubectl-drift.dev/v1"},
			`drift.lock.yaml:2: apiVersion: must be "kubectl-drift.dev/v1alpha1", got "kubectl-drift.dev/v1"`},
		{"missing apiVersion", []string{"apiVersion: kubectl-drift.dev/v1alpha1\n", ""},
			`drift.lock.yaml:2: apiVersion: must be "kubectl-drift.dev/v1alpha1", got ""`},
		{"wrong kind", []string{"kind: DriftLock", "kind: Lockfile"}, `drift.lock.yaml:3: kind: must be "DriftLock", got "Lockfile"`},
		{"duplicate workload", []string{"  - group: batch\n    kind: CronJob\n    namespace: batch\n    name: report", "  - group: apps\n    kind: Deployment\n    namespace: shop\n    name: web"},
			"drift.lock.yaml:40: workloads[1]: duplicate workload apps/Deployment/shop/web (also workloads[0])"},
		{"duplicate container", []string{"- name: nginx", "- name: setup"},
			`drift.lock.yaml:74: workloads[1].containers[1].name: duplicate container "setup" (also containers[0])`},
		{"malformed digest", []string{"digest: sha256:" + strings.Repeat("a", 64), "digest: sha256:abc"},
			`drift.lock.yaml:76: workloads[1].containers[1].digest: not a sha256 digest: "sha256:abc"`},
		{"upper-case digest", []string{"digest: sha256:" + strings.Repeat("a", 64), "digest: sha256:" + strings.Repeat("A", 64)},
			`drift.lock.yaml:76: workloads[1].containers[1].digest: not a sha256 digest: "sha256:` + strings.Repeat("A", 64) + `"`},
		{"digest with a repository", []string{"digest: sha256:" + strings.Repeat("a", 64), "digest: nginx@sha256:" + strings.Repeat("a", 64)},
			`drift.lock.yaml:76: workloads[1].containers[1].digest: not a sha256 digest: "nginx@sha256:` + strings.Repeat("a", 64) + `"`},
		{"malformed imageID", []string{"imageID: sha256:" + strings.Repeat("b", 64), "imageID: docker://sha256:" + strings.Repeat("b", 64)},
			`drift.lock.yaml:59: workloads[1].containers[0].imageID: not a sha256 digest: "docker://sha256:` + strings.Repeat("b", 64) + `"`},
		{"malformed entrypoint", []string{"entrypoint: sha256:" + strings.Repeat("e", 64), "entrypoint: nginx -g daemon off"},
			`drift.lock.yaml:77: workloads[1].containers[1].entrypoint: not a sha256 digest: "nginx -g daemon off"`},
		{"missing entrypoint", []string{"        entrypoint: sha256:" + strings.Repeat("e", 64) + "\n", ""},
			`drift.lock.yaml:74: workloads[1].containers[1].entrypoint: not a sha256 digest: ""`},
		{"empty workload name", []string{"    name: report\n", "    name: \"\"\n"}, "drift.lock.yaml:15: workloads[0].name: must not be empty"},
		{"blank workload kind", []string{"kind: CronJob", `kind: " "`}, "drift.lock.yaml:13: workloads[0].kind: must not be empty"},
		{"null workload namespace", []string{"    namespace: batch", "    namespace: ~"}, "drift.lock.yaml:14: workloads[0].namespace: must not be empty"},
		{"empty container name", []string{"- name: nginx", `- name: ""`}, "drift.lock.yaml:74: workloads[1].containers[1].name: must not be empty"},
		{"empty image", []string{"image: nginx:1.18", "image: ''"}, "drift.lock.yaml:75: workloads[1].containers[1].image: must not be empty"},
		{"duplicate field far apart", []string{"  - group: apps\n", "  - containers: []\n    group: apps\n"},
			"drift.lock.yaml:56: workloads[1].containers: duplicate field (also line 40)"},
		{"neither digest nor imageID", []string{"        digest: sha256:" + strings.Repeat("a", 64) + "\n", ""},
			"drift.lock.yaml:74: workloads[1].containers[1].digest: must be set (or imageID): a container needs an identity"},
		{"ephemeral container", []string{"- name: nginx\n", "- name: nginx\n        ephemeral: true\n"},
			"drift.lock.yaml:75: workloads[1].containers[1].ephemeral: ephemeral containers are never approved"},
		{"workload outside the scope", []string{"    namespace: batch", "    namespace: other"},
			`drift.lock.yaml:14: workloads[0].namespace: namespace "other" is outside the lockfile's scope`},
		{"empty scope", []string{"scope:\n  - namespace: batch\n    selector: tier=jobs\n  - namespace: shop\n", "scope: []\n"},
			"drift.lock.yaml:7: scope: must name at least one namespace or allNamespaces"},
		{"no scope", []string{"scope:\n  - namespace: batch\n    selector: tier=jobs\n  - namespace: shop\n", ""},
			"drift.lock.yaml:2: scope: must name at least one namespace or allNamespaces"},
		{"allNamespaces and namespace", []string{"  - namespace: shop\n", "  - namespace: shop\n    allNamespaces: true\n"},
			"drift.lock.yaml:10: scope[1]: allNamespaces and namespace are exclusive"},
		{"scope without a namespace", []string{"  - namespace: batch\n    selector", "  - selector"},
			"drift.lock.yaml:8: scope[0]: needs a namespace or allNamespaces: true"},
		{"invalid scope namespace", []string{"  - namespace: shop\n", "  - namespace: Shop\n"},
			"drift.lock.yaml:10: scope[1].namespace: invalid namespace: a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"},
		{"invalid selector", []string{"selector: tier=jobs", "selector: tier in (jobs"},
			"drift.lock.yaml:9: scope[0].selector: unable to parse requirement: found '', expected: ',' or ')'"},
		{"duplicate YAML key", []string{"kind: DriftLock\n", "kind: DriftLock\nkind: DriftLock\n"},
			"drift.lock.yaml:4: kind: duplicate field (also line 3)"},
		{"duplicate nested YAML key", []string{"  - namespace: shop\n", "  - namespace: shop\n    namespace: web\n"},
			"drift.lock.yaml:11: scope[1].namespace: duplicate field (also line 10)"},
		{"list where a mapping is expected", []string{"            level: s0", "            - level: s0"},
			"drift.lock.yaml:95: workloads[1].containers[1].securityContext.seLinuxOptions: expected a mapping"},
		{"mapping where a list is expected", []string{"          - /var/log", "            path: /var/log"},
			"drift.lock.yaml:73: workloads[1].containers[0].hostPaths: expected a list"},
		{"mapping where a value is expected", []string{"image: nginx:1.18", "image: {name: nginx}"},
			"drift.lock.yaml:75: workloads[1].containers[1].image: expected a single value"},
		{"not a bool", []string{"runAsNonRoot: true", "runAsNonRoot: maybe"},
			`drift.lock.yaml:82: workloads[1].containers[1].securityContext.runAsNonRoot: cannot read "maybe" as bool`},
		{"not an integer", []string{"runAsUser: 1000", "runAsUser: root"},
			`drift.lock.yaml:83: workloads[1].containers[1].securityContext.runAsUser: cannot read "root" as int64`},
		{"integer overflow", []string{"runAsUser: 1000", "runAsUser: 99999999999999999999"},
			`drift.lock.yaml:83: workloads[1].containers[1].securityContext.runAsUser: cannot read "99999999999999999999" as int64`},
		{"non-string key", []string{"  - namespace: shop\n", "  - namespace: shop\n    [a]: b\n"},
			"drift.lock.yaml:11: scope[1]: mapping keys must be plain strings"},
		{"anchor", []string{"image: nginx:1.18", "image: &img nginx:1.18"},
			"drift.lock.yaml:75: workloads[1].containers[1].image: anchors and aliases are not allowed in a lockfile"},
		{"alias", []string{"kind: DriftLock", "&k kind: DriftLock", "        image: nginx:1.18", "        image: *k"},
			"drift.lock.yaml:75: workloads[1].containers[1].image: anchors and aliases are not allowed in a lockfile"},
		{"two documents", []string{"          - 8080/TCP\n", "          - 8080/TCP\n---\napiVersion: kubectl-drift.dev/v1alpha1\n"},
			"drift.lock.yaml:98: lockfile holds more than one YAML document"},
		{"trailing document marker", []string{"          - 8080/TCP\n", "          - 8080/TCP\n---\n"},
			"drift.lock.yaml:98: lockfile holds more than one YAML document"},
		{"tab indentation", []string{"  uid:", "\tuid:"},
			// yaml.v3 counts this line from 0.
			"drift.lock.yaml: yaml: line 5: found a tab character that violates indentation"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := edit(t, validYAML(t), tt.edits...)
			lf, err := Decode("drift.lock.yaml", []byte(in))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("Decode() error = %v\nwant %s", err, tt.wantErr)
			}
			if lf != nil {
				t.Errorf("Decode() returned a lockfile with an error")
			}
		})
	}
}
