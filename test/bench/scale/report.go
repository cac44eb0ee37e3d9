package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
)

// The targets of the design's "Scale" section.
const (
	targetCheckVsKubectlWall = 0.3
	targetCheckVsKubectlRSS  = 0.25
	targetCheckVsFloorWall   = 4.0
	targetLockVsCheckWall    = 1.5
	targetLinearitySpread    = 0.30
)

type results struct {
	Machine      map[string]any `json:"machine"`
	Sizes        []int          `json:"sizes"`
	Runs         int            `json:"runs"`
	Load         []loadStep     `json:"load"`
	LoadSeconds  float64        `json:"loadSeconds"`
	TotalSeconds float64        `json:"totalSeconds"`
	Startup      result         `json:"startup"`
	Results      []result       `json:"results"`
	Linearity    linearity      `json:"linearity"`
	Targets      []target       `json:"targets"`
	// Phases holds, per size, the median time of each phase of check run
	// in process (milliseconds).
	Phases  map[int]map[string]float64 `json:"checkPhasesMs"`
	Profile *profileReport             `json:"profile,omitempty"`
}

type linearity struct {
	MsPer1000Pods map[int]float64 `json:"checkMsPer1000Pods"`
	// Spread is the largest per-pod time over the smallest, less one.
	Spread float64 `json:"spread"`
	// MarginalMsPer1000Pods is the time each added 1000 pods cost between
	// one size and the next, which leaves out the fixed cost of a run.
	MarginalMsPer1000Pods map[string]float64 `json:"checkMarginalMsPer1000Pods"`
}

type target struct {
	Name  string  `json:"name"`
	Pods  int     `json:"pods,omitempty"`
	Value float64 `json:"value"`
	Limit float64 `json:"limit"`
	Met   bool    `json:"met"`
}

func (r *results) find(key string, pods int) *result {
	for i := range r.Results {
		if r.Results[i].Key == key && r.Results[i].Pods == pods {
			return &r.Results[i]
		}
	}
	return nil
}

// compute fills in the ratios, the linearity and the targets.
func (r *results) compute() {
	r.Linearity = linearity{MsPer1000Pods: map[int]float64{}, MarginalMsPer1000Pods: map[string]float64{}}
	lo, hi := 0.0, 0.0
	var prev *result
	for _, pods := range r.Sizes {
		kubectl, floor, check, lock := r.find("kubectl", pods), r.find("floor", pods), r.find("check", pods), r.find("lock", pods)
		for _, res := range []*result{check, lock, kubectl, floor} {
			res.VsKubectl = &ratio{Wall: res.MedianMs / kubectl.MedianMs, PeakRSS: float64(res.PeakRSSKiB) / float64(kubectl.PeakRSSKiB)}
			res.VsFloorWall = res.MedianMs / floor.MedianMs
			res.VsCheckWall = res.MedianMs / check.MedianMs
		}
		add := func(name string, value, limit float64) {
			r.Targets = append(r.Targets, target{Name: name, Pods: pods, Value: value, Limit: limit, Met: value <= limit})
		}
		add("check wall / kubectl wall", check.VsKubectl.Wall, targetCheckVsKubectlWall)
		add("check peak RSS / kubectl peak RSS", check.VsKubectl.PeakRSS, targetCheckVsKubectlRSS)
		add("check wall / floor wall", check.VsFloorWall, targetCheckVsFloorWall)
		add("lock wall / check wall", lock.VsCheckWall, targetLockVsCheckWall)
		for _, res := range []*result{check, lock, floor, kubectl} {
			extra := float64(res.Requests - int64(res.Expected))
			r.Targets = append(r.Targets, target{Name: res.Key + " requests beyond expected pages", Pods: pods,
				Value: extra, Limit: 0, Met: extra == 0 && res.RequestsSame})
		}
		per := check.MsPerKPod
		r.Linearity.MsPer1000Pods[pods] = per
		if lo == 0 || per < lo {
			lo = per
		}
		hi = max(hi, per)
		if prev != nil {
			r.Linearity.MarginalMsPer1000Pods[fmt.Sprintf("%d-%d", prev.Pods, pods)] =
				(check.MedianMs - prev.MedianMs) / float64(pods-prev.Pods) * 1000
		}
		prev = check
	}
	if lo > 0 {
		r.Linearity.Spread = hi/lo - 1
		r.Targets = append(r.Targets, target{Name: "check time per pod, largest / smallest - 1, over " + sizesText(r.Sizes),
			Value: r.Linearity.Spread, Limit: targetLinearitySpread, Met: r.Linearity.Spread <= targetLinearitySpread})
	}
}

func sizesText(sizes []int) string {
	var s []string
	for _, n := range sizes {
		s = append(s, podsText(n))
	}
	return strings.Join(s, ", ") + " pods"
}

func podsText(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

func durationText(ms float64) string {
	if ms >= 1000 {
		return fmt.Sprintf("%.2f s", ms/1000)
	}
	return fmt.Sprintf("%.0f ms", ms)
}

func rssText(kib int64) string {
	return fmt.Sprintf("%.0f MiB", float64(kib)/1024)
}

// printText writes the table (markdown, ready for the README), the targets
// and the profile's top entries.
func (r *results) printText(w io.Writer) {
	fmt.Fprintf(w, "\n## Scale: %d pods (2 containers each) in Deployments of 10 pods over 10 namespaces\n\n", r.Sizes[len(r.Sizes)-1])
	fmt.Fprintf(w, "Machine: %v CPUs (%v), %v. Wall time is the median of %d runs; peak RSS the largest of them.\n",
		r.Machine["cpus"], r.Machine["cpu"], r.Machine["go"], r.Runs)
	fmt.Fprintf(w, "Requests are counted by a proxy in front of the API server; \"pages\" is what the lists need at 500 a page\n")
	fmt.Fprintf(w, "(kubectl drift: pods, Deployments, ReplicaSets, five empty kinds, and one GET of kube-system).\n\n")
	fmt.Fprintf(w, "| command | pods | wall (median of %d) | peak RSS | requests (pages) | vs kubectl: wall / RSS | vs floor: wall |\n", r.Runs)
	fmt.Fprintln(w, "|---|--:|--:|--:|--:|--:|--:|")
	for _, pods := range r.Sizes {
		for _, key := range []string{"check", "lock", "kubectl", "floor"} {
			res := r.find(key, pods)
			wall := durationText(res.MedianMs)
			if res.Runs != r.Runs {
				wall += fmt.Sprintf(" (%d run)", res.Runs)
			}
			fmt.Fprintf(w, "| `%s` | %s | %s | %s | %d (%d) | %.2fx / %.2fx | %.2fx |\n",
				res.Command, podsText(pods), wall, rssText(res.PeakRSSKiB),
				res.Requests, res.Expected, res.VsKubectl.Wall, res.VsKubectl.PeakRSS, res.VsFloorWall)
		}
	}
	fmt.Fprintf(w, "\nkubectl drift check time per 1000 pods:")
	for _, pods := range r.Sizes {
		fmt.Fprintf(w, " %s pods %.1f ms;", podsText(pods), r.Linearity.MsPer1000Pods[pods])
	}
	fmt.Fprintf(w, " spread %.0f%%. Added cost per 1000 pods:", r.Linearity.Spread*100)
	for i := 1; i < len(r.Sizes); i++ {
		k := fmt.Sprintf("%d-%d", r.Sizes[i-1], r.Sizes[i])
		fmt.Fprintf(w, " %s to %s %.1f ms;", podsText(r.Sizes[i-1]), podsText(r.Sizes[i]), r.Linearity.MarginalMsPer1000Pods[k])
	}
	fmt.Fprintf(w, " `kubectl drift version` (start-up alone) %s, %s.\n",
		durationText(r.Startup.MedianMs), rssText(r.Startup.PeakRSSKiB))

	fmt.Fprintf(w, "\n### Targets\n\n| target | pods | value | limit | met |\n|---|--:|--:|--:|---|\n")
	for _, t := range r.Targets {
		pods := "all"
		if t.Pods > 0 {
			pods = podsText(t.Pods)
		}
		met := "yes"
		if !t.Met {
			met = "**no**"
		}
		fmt.Fprintf(w, "| %s | %s | %.2f | %.2f | %s |\n", t.Name, pods, t.Value, t.Limit, met)
	}

	fmt.Fprintf(w, "\nLoading: %.1fs in all (", r.LoadSeconds)
	for i, s := range r.Load {
		if i > 0 {
			fmt.Fprint(w, "; ")
		}
		fmt.Fprintf(w, "+%d pods in %.1fs, %.0f pods/s", s.Pods, s.Seconds, float64(s.Pods)/s.Seconds)
	}
	fmt.Fprintf(w, "). Whole run: %.1fs.\n", r.TotalSeconds)

	fmt.Fprintf(w, "\n### Phases of check, in process, straight to the API server (median)\n\n")
	fmt.Fprintln(w, "| pods | read lockfile | list + records | workloads | cluster identity | compare | total |")
	fmt.Fprintln(w, "|--:|--:|--:|--:|--:|--:|--:|")
	for _, pods := range r.Sizes {
		ph := r.Phases[pods]
		fmt.Fprintf(w, "| %s | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", podsText(pods),
			ph["readLockfile"], ph["collect"], ph["workloads"], ph["identity"], ph["compare"], ph["total"])
	}
	if p := r.Profile; p != nil {
		fmt.Fprintf(w, "\n### Profile of check in process at %d pods (%d runs)\n\n", p.Pods, p.Iterations)
		fmt.Fprintf(w, "Profiles: %s\n", strings.Join(p.Files, " "))
		for _, sec := range []struct{ title, body string }{
			{"CPU, flat", p.CPUTop}, {"CPU, cumulative", p.CPUCumTop},
			{"allocated by one check", p.AllocTop}, {"held after one check (the records)", p.InuseTop},
		} {
			fmt.Fprintf(w, "\n%s:\n```\n%s```\n", sec.title, sec.body)
		}
	}
}

func (r *results) writeJSON(path string) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return err
	}
	logf("results written to %s", path)
	return nil
}
