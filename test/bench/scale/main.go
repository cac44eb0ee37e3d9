// Command scale measures what `kubectl drift check -A` costs on a large
// cluster, beside what fetching its data costs: it starts a throwaway control
// plane (etcd and kube-apiserver; see internal/testcluster), writes
// Deployments, ReplicaSets and Running pods straight into it as the
// controllers and a kubelet would, and runs, through a counting proxy,
//
//   - kubectl drift check -A (the built binary, against a lockfile that
//     kubectl drift lock -A made first),
//   - kubectl get pods -A -o json (what a user would reach for),
//   - rawlist, protobuf pages of 500 pods and nothing else (the floor),
//   - kubectl drift lock -A,
//
// reporting for each the median wall time of several runs, the peak RSS and
// the API requests. It grows the cluster in steps (1k, 5k, 20k pods by
// default) to show that a check costs the same per pod at every size, and
// profiles the check's code path in process at one size.
//
// It is what `make bench` runs; it reports numbers and asserts none. It needs
// the control-plane programs that hack/build-tools.sh builds
// (DRIFT_TOOLS_BIN) and the kubectl-drift binary (-drift).
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"

	"github.com/kubectl-drift/kubectl-drift/internal/testcluster"
)

// phaseIterations is how often the check runs in process at each size, to
// time its phases.
const phaseIterations = 3

type options struct {
	drift             string
	sizes             []int
	rounds            int
	out               string
	profileDir        string
	profileAt         int
	profileIterations int
	loadConcurrency   int
	kubectlMaxPods    int
}

func main() {
	var o options
	var sizes string
	flag.StringVar(&o.drift, "drift", "./kubectl-drift", "path of the kubectl-drift binary")
	flag.StringVar(&sizes, "sizes", envOr("BENCH_SIZES", "1000,5000,20000"), "cluster sizes in pods, ascending, each a multiple of 10 (env BENCH_SIZES)")
	flag.IntVar(&o.rounds, "runs", 5, "measured runs of each command at each size")
	flag.StringVar(&o.out, "out", envOr("BENCH_OUT", "bench-results.json"), "where to write the results as JSON (env BENCH_OUT)")
	flag.StringVar(&o.profileDir, "profile-dir", "", "where to write the check's pprof profiles (default: bench-profiles beside -out)")
	flag.IntVar(&o.profileAt, "profile-at", 5000, "the size at which to profile check in process (0: none)")
	flag.IntVar(&o.profileIterations, "profile-iterations", 10, "in-process checks under the CPU profiler")
	flag.IntVar(&o.loadConcurrency, "load-concurrency", 32, "writes in flight while loading the cluster")
	flag.IntVar(&o.kubectlMaxPods, "kubectl-max-pods", 5000, "above this size kubectl get runs once, without a warm-up run")
	flag.Parse()
	var err error
	if o.sizes, err = parseSizes(sizes); err != nil {
		fatal(err)
	}
	if o.profileDir == "" {
		o.profileDir = filepath.Join(filepath.Dir(o.out), "bench-profiles")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, o); err != nil {
		stop()
		fatal(err)
	}
}

func fatal(err error) {
	fmt.Fprintln(os.Stderr, "scale bench:", err)
	os.Exit(2)
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for f := range strings.SplitSeq(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 || n%podsPerDeployment != 0 || (len(out) > 0 && n <= out[len(out)-1]) {
			return nil, fmt.Errorf("-sizes %q: want ascending positive multiples of %d", s, podsPerDeployment)
		}
		out = append(out, n)
	}
	return out, nil
}

func logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "scale bench: "+format+"\n", args...)
}

func run(ctx context.Context, o options) error {
	begin := time.Now()
	drift, err := filepath.Abs(o.drift)
	if err != nil {
		return err
	}
	if _, err := os.Stat(drift); err != nil {
		return fmt.Errorf("%w (run make build, or pass -drift)", err)
	}
	dir, err := os.MkdirTemp("", "drift-scale-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)

	rawlist := filepath.Join(dir, "rawlist")
	build := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w", "-o", rawlist,
		"github.com/kubectl-drift/kubectl-drift/test/bench/rawlist")
	if out, err := build.CombinedOutput(); err != nil {
		return fmt.Errorf("building rawlist (run from the module's root): %w\n%s", err, out)
	}

	t := time.Now()
	cluster, err := testcluster.Start(ctx, testcluster.Options{Dir: filepath.Join(dir, "cluster")})
	if err != nil {
		return err
	}
	defer cluster.Stop()
	logf("control plane up in %.1fs (%s)", time.Since(t).Seconds(), cluster.Server)

	cfg, err := clientcmd.BuildConfigFromFlags("", cluster.AdminKubeconfig)
	if err != nil {
		return err
	}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf"
	cfg.QPS, cfg.Burst = 100000, 100000
	client, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return err
	}

	proxy, err := startProxy(cluster.Server, cluster.CAFile, cluster.AdminToken)
	if err != nil {
		return err
	}
	defer proxy.Close()
	kubeconfig := filepath.Join(dir, "proxy.kubeconfig")
	if err := os.WriteFile(kubeconfig, []byte(proxy.kubeconfig()), 0o600); err != nil {
		return err
	}
	home := filepath.Join(dir, "home")
	if err := os.MkdirAll(home, 0o700); err != nil {
		return err
	}
	r := &runner{proxy: proxy, env: childEnv(home, kubeconfig)}
	if r.null, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0); err != nil {
		return err
	}
	defer r.null.Close()

	lockPath := filepath.Join(dir, "drift.lock.yaml")
	kubectl := filepath.Join(cluster.BinDir, "kubectl")
	driftExpected := func(s size) int {
		// pods, deployments and replicasets, five kinds that are empty, and
		// the kube-system namespace that names the cluster.
		return pages(s.Pods) + pages(s.Deployments) + pages(s.ReplicaSets) + 5 + 1
	}
	podPages := func(s size) int { return pages(s.Pods) }
	check := command{Key: "check", Name: "kubectl drift check -A", Path: drift, Expected: driftExpected,
		Args: []string{"check", "-A", "--lockfile", lockPath, "--kubeconfig", kubeconfig}}
	kubectlGet := command{Key: "kubectl", Name: "kubectl get pods -A -o json", Path: kubectl, Expected: podPages,
		Args: []string{"get", "pods", "-A", "-o", "json", "--kubeconfig", kubeconfig}}
	floor := command{Key: "floor", Name: "protobuf list, 500 a page (floor)", Path: rawlist, Expected: podPages,
		Args: []string{"-kubeconfig", kubeconfig}, Verify: verifyCount}
	lock := command{Key: "lock", Name: "kubectl drift lock -A", Path: drift, Expected: driftExpected,
		Args: []string{"lock", "-A", "--lockfile", lockPath, "--kubeconfig", kubeconfig}}
	version := command{Key: "version", Name: "kubectl drift version", Path: drift, Args: []string{"version"},
		Expected: func(size) int { return 0 }}

	res := &results{Machine: machine(), Sizes: o.sizes, Runs: o.rounds}
	startup, err := r.measure(ctx, []command{version}, size{}, o.rounds, true)
	if err != nil {
		return err
	}
	res.Startup = summarize(version, size{Pods: 1}, startup["version"])

	inProcess, err := newInProcessCheck(cluster.AdminKubeconfig, lockPath)
	if err != nil {
		return err
	}
	res.Phases = map[int]map[string]float64{}
	l := newLoader(client, o.loadConcurrency)
	for _, pods := range o.sizes {
		step, err := l.growTo(ctx, pods)
		if err != nil {
			return fmt.Errorf("loading %d pods: %w", pods, err)
		}
		res.Load = append(res.Load, step)
		logf("loaded %d pods (+%d pods, %d Deployments, %d requests) in %.1fs: %.0f pods/s",
			pods, step.Pods, step.Deployments, step.Requests, step.Seconds, float64(step.Pods)/step.Seconds)

		s := size{Pods: pods, Deployments: pods / podsPerDeployment, ReplicaSets: pods / podsPerDeployment}
		// check needs a lockfile; the lock also lists everything once, so
		// that no measured run is the first after loading.
		if _, err := r.run(ctx, lock, s); err != nil {
			return err
		}
		// At the first size every command is warmed up (kubectl fills its
		// discovery cache); later sizes find the caches warm.
		firstSize := pods == o.sizes[0]
		kubectlGet.Once = pods > o.kubectlMaxPods && !firstSize
		cmds := []command{check, kubectlGet, floor, lock}
		t := time.Now()
		samples, err := r.measure(ctx, cmds, s, o.rounds, firstSize)
		if err != nil {
			return err
		}
		for _, c := range cmds {
			res.Results = append(res.Results, summarize(c, s, samples[c.Key]))
		}
		logf("measured %d pods in %.1fs", pods, time.Since(t).Seconds())

		t = time.Now()
		if pods == o.profileAt {
			p, err := inProcess.profile(ctx, o.profileDir, pods, o.profileIterations)
			if err != nil {
				return fmt.Errorf("profiling check: %w", err)
			}
			res.Profile = p
			res.Phases[pods] = p.PhasesMs
			logf("profiled check at %d pods in %.1fs", pods, time.Since(t).Seconds())
		} else {
			if res.Phases[pods], err = inProcess.phasesOf(ctx, pods, phaseIterations); err != nil {
				return fmt.Errorf("in-process check: %w", err)
			}
			logf("timed the phases of check at %d pods in %.1fs", pods, time.Since(t).Seconds())
		}
	}
	for _, s := range res.Load {
		res.LoadSeconds += s.Seconds
	}
	res.compute()
	res.TotalSeconds = time.Since(begin).Seconds()
	res.printText(os.Stdout)
	return res.writeJSON(o.out)
}

// childEnv is the environment of the measured programs: a home of their own
// (kubectl keeps its discovery cache there) and the proxy's kubeconfig.
func childEnv(home, kubeconfig string) []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "HOME", "KUBECONFIG", "KUBECACHEDIR", "XDG_CACHE_HOME":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "HOME="+home, "KUBECONFIG="+kubeconfig, "NO_COLOR=1")
}

func verifyCount(stdout []byte, s size) error {
	n, err := strconv.Atoi(strings.TrimSpace(string(stdout)))
	if err != nil {
		return fmt.Errorf("unexpected output %q", stdout)
	}
	if n != s.Pods {
		return fmt.Errorf("listed %d pods, want %d", n, s.Pods)
	}
	return nil
}

func machine() map[string]any {
	m := map[string]any{"cpus": runtime.NumCPU(), "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.Lines(string(data)) {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m["cpu"] = strings.TrimSpace(v)
				break
			}
		}
	}
	return m
}
