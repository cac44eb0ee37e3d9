package cmd

import (
	"bytes"
	"errors"
	"flag"
	"testing"

	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-drift/kubectl-drift/lockfile"

	"github.com/kubectl-drift/kubectl-drift/internal/golden"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func sha(c byte) string { return "sha256:" + string(bytes.Repeat([]byte{c}, 64)) }

// sampleLockfile and sampleObserved make one finding of every reason.
func sampleLockfile() *lockfile.Lockfile {
	web := lockfile.Workload{
		WorkloadID: lockfile.WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "web"},
		Pod:        lockfile.PodPosture{ServiceAccountName: "default", HostUsers: true, AutomountServiceAccountToken: true},
		Containers: []lockfile.Container{{Name: "nginx", Image: "nginx:1.18", Digest: sha('1'), Entrypoint: sha('e'),
			SecurityContext: lockfile.SecurityContext{ProcMount: "Default", AllowPrivilegeEscalation: false,
				Capabilities: lockfile.Capabilities{Drop: []string{"ALL"}}}}},
	}
	api := web
	api.WorkloadID = lockfile.WorkloadID{Kind: "Pod", Namespace: "shop", Name: "api"}
	api.Containers = []lockfile.Container{{Name: "api", Image: "api:2", Digest: sha('a'), Entrypoint: sha('e')}}
	gone := api
	gone.WorkloadID = lockfile.WorkloadID{Group: "batch", Kind: "CronJob", Namespace: "shop", Name: "nightly"}
	lf := lockfile.New(&lockfile.Cluster{Server: "https://127.0.0.1:6443"})
	lf.Scope = []lockfile.Scope{{Namespace: "shop"}}
	lf.Workloads = []lockfile.Workload{web, api, gone}
	return lf
}

func sampleObserved(lf *lockfile.Lockfile) []lockfile.Observed {
	web := lf.Workloads[0]
	web.Containers = append([]lockfile.Container(nil), web.Containers...)
	web.Containers[0].Image, web.Containers[0].Digest = "nginx:1.20@"+sha('2'), sha('2')
	web.Containers[0].SecurityContext.Privileged = true
	web.Containers[0].SecurityContext.AllowPrivilegeEscalation = true
	webPod := lockfile.ObservedPod{Name: "web-1", Pod: web.Pod}
	for _, c := range web.Containers {
		webPod.Containers = append(webPod.Containers, lockfile.ObservedContainer{Container: c, Started: true})
	}
	api := lf.Workloads[1]
	apiPod := lockfile.ObservedPod{Name: "api", Pod: api.Pod, Containers: []lockfile.ObservedContainer{
		{Container: lockfile.Container{Name: "api", Image: "api:2", ImageID: sha('c'), Entrypoint: sha('e')}, Started: true},
		{Container: lockfile.Container{Name: "debugger", Ephemeral: true, Image: "busybox", Entrypoint: sha('e')}, Started: true},
	}}
	apiTmpl := api
	apiTmpl.Containers = []lockfile.Container{{Name: "api", Image: "api:2", Entrypoint: sha('e')}}
	intruder := lockfile.Workload{
		WorkloadID: lockfile.WorkloadID{Group: "apps", Kind: "Deployment", Namespace: "shop", Name: "intruder"},
		Pod:        web.Pod,
		Containers: []lockfile.Container{{Name: "miner", Image: "miner:latest", Entrypoint: sha('e')}},
	}
	return []lockfile.Observed{
		{Template: web, Pods: []lockfile.ObservedPod{webPod}},
		{Template: apiTmpl, Pods: []lockfile.ObservedPod{apiPod}},
		{Template: intruder},
	}
}

func TestReportGolden(t *testing.T) {
	lf := sampleLockfile()
	rep := lockfile.Compare(lf, lf.Scope, sampleObserved(lf))
	for _, tt := range []struct {
		name, output, color string
		context             int
		readErrs            []error
	}{
		{name: "report-text", output: "text", color: "never", context: 3},
		{name: "report-text-U1-color", output: "text", color: "always", context: 1},
		{name: "report-json", output: "json", color: "never", context: 3},
		{name: "report-json-read-error", output: "json", color: "never", context: 3,
			readErrs: []error{errors.New(`listing pods in namespace other: pods is forbidden`)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			streams, _, out, _ := genericiooptions.NewTestIOStreams()
			o := &CheckOptions{streams: streams, Output: tt.output, Color: tt.color, Context: tt.context}
			o.Lockfile = "drift.lock.yaml"
			err := newReporter(o).report(&rep, tt.readErrs)
			var exit *ExitError
			if !errors.As(err, &exit) || exit.Code != CodeError {
				t.Fatalf("want exit 2 (one finding is unverified), got %v", err)
			}
			golden.Assert(t, tt.name+".golden", out.Bytes(), *update)
		})
	}
}
