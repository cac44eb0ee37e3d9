package plugin

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeManifest(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

const rolloutManifest = `apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata:
  name: canary
spec:
  strategy: {canary: {steps: [{setWeight: 20}]}}
  template:
    metadata:
      labels: {app: canary}
    spec:
      containers:
      - name: app
        image: app:1@sha256:1111111111111111111111111111111111111111111111111111111111111111
`

func TestReadManifests(t *testing.T) {
	dir := t.TempDir()
	writeManifest(t, dir, "all.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      imagePullSecrets: [{name: regcred}]
      containers: [{name: nginx, image: "nginx:1.18"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: shell}
spec:
  containers: [{name: sh, image: alpine:3}]
---
`+rolloutManifest+`---
apiVersion: example.com/v1
kind: Widget
metadata: {name: not-a-workload}
spec: {template: {color: blue}}
`)
	inv, err := ReadManifests(ManifestSource{Filenames: []string{dir}, Namespace: "team"})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, w := range inv.Workloads() {
		ids = append(ids, w.Template.WorkloadID.String())
		if w.Template.Name == "web" && !reflect.DeepEqual(w.PullSecrets, []string{"regcred"}) {
			t.Errorf("web pull secrets = %q", w.PullSecrets)
		}
		if w.Template.Name == "canary" && w.Labels["app"] != "canary" {
			t.Errorf("canary labels = %v", w.Labels)
		}
	}
	want := []string{"apps/Deployment/shop/web", "Pod/team/shell", "argoproj.io/Rollout/team/canary"}
	if !reflect.DeepEqual(ids, want) {
		t.Fatalf("workloads = %q, want %q", ids, want)
	}
}

func TestReadManifestsErrors(t *testing.T) {
	dir := t.TempDir()
	strict := writeManifest(t, dir, "strict.yaml", `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: nginx, image: "nginx:1.18", securityContext: {privilegd: true}}]
`)
	badTemplate := writeManifest(t, dir, "rollout.yaml", strings.Replace(rolloutManifest, "image: app", "imag: app", 1))
	dupDir := t.TempDir()
	a := writeManifest(t, dupDir, "a.yaml", rolloutManifest)
	b := writeManifest(t, dupDir, "b.yaml", rolloutManifest)
	tests := []struct {
		name  string
		src   ManifestSource
		wants []string
	}{
		{"an unknown field of a known kind", ManifestSource{Filenames: []string{strict}},
			[]string{strict + ": Deployment default/web:", `unknown field "spec.template.spec.containers[0].securityContext.privilegd"`}},
		{"an unknown field in a custom kind's pod template", ManifestSource{Filenames: []string{badTemplate}},
			[]string{badTemplate + ": Rollout default/canary: spec.template:", `unknown field "spec.containers[0].imag"`}},
		{"one workload defined twice", ManifestSource{Filenames: []string{dupDir}},
			[]string{a + " and " + b + " both define argoproj.io/Rollout/default/canary"}},
		{"a file that does not exist", ManifestSource{Filenames: []string{filepath.Join(dir, "absent.yaml")}},
			[]string{"reading manifests:", "absent.yaml"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.src.Namespace = "default"
			_, err := ReadManifests(tt.src)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, want := range tt.wants {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q lacks %q", err, want)
				}
			}
		})
	}
}
