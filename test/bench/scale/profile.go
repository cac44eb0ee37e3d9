package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strings"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
	"github.com/kubectl-drift/kubectl-drift/plugin"
)

// checkListConcurrency is the lists in flight of `kubectl drift check`
// (cmd.listConcurrency).
const checkListConcurrency = 8

// phases is how long each step of an in-process check took.
type phases struct {
	ReadLockfile, Collect, Workloads, Identity, Compare time.Duration
}

func (p phases) total() time.Duration {
	return p.ReadLockfile + p.Collect + p.Workloads + p.Identity + p.Compare
}

// profileReport is what the in-process profile of check found.
type profileReport struct {
	Pods       int                `json:"pods"`
	Iterations int                `json:"iterations"`
	PhasesMs   map[string]float64 `json:"phasesMedianMs"`
	Files      []string           `json:"files"`
	CPUTop     string             `json:"cpuTop"`
	CPUCumTop  string             `json:"cpuCumulativeTop"`
	AllocTop   string             `json:"allocSpaceTop"`
	InuseTop   string             `json:"inuseSpaceTop"`
}

// inProcessCheck is the code path of `kubectl drift check -A` (cmd.CheckOptions.Run
// without the rendering) run in this process, straight against the API
// server: no proxy, so a profile holds only the check.
type inProcessCheck struct {
	cs       kubernetes.Interface
	host     string
	lockPath string
}

func newInProcessCheck(kubeconfig, lockPath string) (*inProcessCheck, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return nil, err
	}
	cs, err := plugin.NewClientset(cfg)
	if err != nil {
		return nil, err
	}
	return &inProcessCheck{cs: cs, host: cfg.Host, lockPath: lockPath}, nil
}

// run checks once and returns how long each phase took and what the check
// holds at its end.
func (c *inProcessCheck) run(ctx context.Context, pods int) (phases, any, error) {
	var p phases
	t := time.Now()
	lf, err := lockfile.ReadFile(c.lockPath)
	if err != nil {
		return p, nil, err
	}
	scopes, err := lockfile.Narrow(lf.Scope, "", true, "")
	if err != nil {
		return p, nil, err
	}
	p.ReadLockfile, t = time.Since(t), time.Now()
	col := plugin.Collector{Client: c.cs, PageSize: plugin.DefaultPageSize, Concurrency: checkListConcurrency}
	inv, err := col.Collect(ctx, plugin.TargetFor(scopes))
	if err != nil {
		return p, nil, err
	}
	p.Collect, t = time.Since(t), time.Now()
	workloads := inv.Workloads()
	p.Workloads, t = time.Since(t), time.Now()
	if _, warning := plugin.ClusterIdentity(ctx, c.cs, c.host); warning != "" {
		return p, nil, fmt.Errorf("%s", warning)
	}
	p.Identity, t = time.Since(t), time.Now()
	observed := make([]lockfile.Observed, len(workloads))
	for i := range workloads {
		observed[i] = workloads[i].Observed
	}
	report := lockfile.Compare(lf, scopes, observed)
	p.Compare = time.Since(t)
	if report.Drift() || report.Unverified() || report.Pods != pods {
		return p, nil, fmt.Errorf("in-process check: drift %v, unverified %v, %d pods compared, want %d",
			report.Drift(), report.Unverified(), report.Pods, pods)
	}
	return p, []any{lf, inv, workloads, observed, &report}, nil
}

// phasesOf runs the check iterations times and returns the median of each
// phase, in milliseconds.
func (c *inProcessCheck) phasesOf(ctx context.Context, pods, iterations int) (map[string]float64, error) {
	var runs []phases
	for range iterations {
		p, _, err := c.run(ctx, pods)
		if err != nil {
			return nil, err
		}
		runs = append(runs, p)
	}
	return medianPhases(runs), nil
}

// profile runs the check under the CPU profiler, then once more between two
// heap profiles while its results are still held: what one check allocates,
// and what it keeps.
func (c *inProcessCheck) profile(ctx context.Context, dir string, pods, iterations int) (*profileReport, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	rep := &profileReport{Pods: pods, Iterations: iterations}
	cpuPath := filepath.Join(dir, fmt.Sprintf("check-%d.cpu.pprof", pods))
	f, err := os.Create(cpuPath)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if err := pprof.StartCPUProfile(f); err != nil {
		return nil, err
	}
	rep.PhasesMs, err = c.phasesOf(ctx, pods, iterations)
	pprof.StopCPUProfile()
	if err != nil {
		return nil, err
	}

	before := filepath.Join(dir, fmt.Sprintf("check-%d.heap-before.pprof", pods))
	after := filepath.Join(dir, fmt.Sprintf("check-%d.heap.pprof", pods))
	if err := writeHeap(before); err != nil {
		return nil, err
	}
	_, kept, err := c.run(ctx, pods)
	if err != nil {
		return nil, err
	}
	if err := writeHeap(after); err != nil {
		return nil, err
	}
	runtime.KeepAlive(kept)
	rep.Files = []string{cpuPath, before, after}

	top := func(args ...string) string {
		out, err := exec.CommandContext(ctx, "go", append([]string{"tool", "pprof", "-top", "-nodecount=15"}, args...)...).Output()
		if err != nil {
			return fmt.Sprintf("(go tool pprof: %v)", err)
		}
		return trimPprofHeader(string(out))
	}
	rep.CPUTop = top(cpuPath)
	rep.CPUCumTop = top("-cum", "-nodecount=30", `-hide=^main\.|^runtime\.main$`, cpuPath)
	rep.AllocTop = top("-sample_index=alloc_space", "-base="+before, after)
	rep.InuseTop = top("-sample_index=inuse_space", "-focus=kubectl-drift/(plugin|lockfile)", after)
	return rep, nil
}

// writeHeap writes a heap profile after a garbage collection, so in-use
// space is what is still referenced.
func writeHeap(path string) error {
	runtime.GC()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return pprof.Lookup("heap").WriteTo(f, 0)
}

func medianPhases(runs []phases) map[string]float64 {
	pick := map[string]func(p phases) time.Duration{
		"readLockfile": func(p phases) time.Duration { return p.ReadLockfile },
		"collect":      func(p phases) time.Duration { return p.Collect },
		"workloads":    func(p phases) time.Duration { return p.Workloads },
		"identity":     func(p phases) time.Duration { return p.Identity },
		"compare":      func(p phases) time.Duration { return p.Compare },
		"total":        phases.total,
	}
	out := map[string]float64{}
	for name, f := range pick {
		xs := make([]float64, len(runs))
		for i, r := range runs {
			xs[i] = float64(f(r).Microseconds()) / 1000
		}
		out[name] = median(xs)
	}
	return out
}

// trimPprofHeader drops pprof's "File:"/"Type:"/"Time:" lines, which name
// temporary paths.
func trimPprofHeader(s string) string {
	var keep []string
	for line := range strings.Lines(s) {
		if strings.HasPrefix(line, "File:") || strings.HasPrefix(line, "Build ID:") || strings.HasPrefix(line, "Time:") {
			continue
		}
		keep = append(keep, line)
	}
	return strings.Join(keep, "")
}
