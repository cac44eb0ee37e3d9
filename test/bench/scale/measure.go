package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

// command is one program measured against the loaded cluster.
type command struct {
	Key  string // check, lock, kubectl, floor
	Name string // as the table shows it
	Path string
	Args []string
	// Expected returns the list pages (requests) the command needs for a
	// cluster of the given size.
	Expected func(s size) int
	// Verify checks a run's standard output, when it matters.
	Verify func(stdout []byte, s size) error
	// Once runs the command a single time, in the last round: for kubectl
	// on a large cluster, where each run takes half a minute.
	Once bool
}

// size is the load of the cluster when a command runs.
type size struct {
	Pods, Deployments, ReplicaSets int
}

// sample is one run of a command.
type sample struct {
	Wall    time.Duration
	MaxRSS  int64 // KiB
	Traffic traffic
}

// runner runs commands through the counting proxy.
type runner struct {
	proxy *countingProxy
	env   []string
	null  *os.File
}

// run runs cmd once and returns its wall time, peak RSS and traffic. A
// non-zero exit is an error: every command must succeed on a clean cluster.
func (r *runner) run(ctx context.Context, c command, s size) (sample, error) {
	cmd := exec.CommandContext(ctx, c.Path, c.Args...)
	cmd.Env = r.env
	var stderr bytes.Buffer
	var stdout bytes.Buffer
	if c.Verify != nil {
		cmd.Stdout = &stdout
	} else {
		cmd.Stdout = r.null // kubectl's JSON must cost what writing it costs, not what buffering it does
	}
	cmd.Stderr = &stderr
	r.proxy.take()
	start := time.Now()
	err := cmd.Run()
	wall := time.Since(start)
	t := r.proxy.take()
	if err != nil {
		return sample{}, fmt.Errorf("%s %s: %w\n%s", c.Path, strings.Join(c.Args, " "), err, lastLines(stderr.String(), 20))
	}
	if c.Verify != nil {
		if err := c.Verify(stdout.Bytes(), s); err != nil {
			return sample{}, fmt.Errorf("%s: %w", c.Name, err)
		}
	}
	ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
	var rss int64
	if ru != nil {
		rss = ru.Maxrss
	}
	return sample{Wall: wall, MaxRSS: rss, Traffic: t}, nil
}

// measure runs rounds of all commands, interleaved so that a slow moment of
// the machine is shared fairly. With warmUp, every command first runs once
// unmeasured (kubectl fills its discovery cache, the API server its caches).
func (r *runner) measure(ctx context.Context, cmds []command, s size, rounds int, warmUp bool) (map[string][]sample, error) {
	out := map[string][]sample{}
	first := 0
	if warmUp {
		first = -1
	}
	for round := first; round < rounds; round++ {
		for _, c := range cmds {
			if c.Once && round != rounds-1 {
				continue
			}
			smp, err := r.run(ctx, c, s)
			if err != nil {
				return nil, err
			}
			if round >= 0 {
				out[c.Key] = append(out[c.Key], smp)
			}
		}
	}
	return out, nil
}

// result summarises the samples of one command at one size.
type result struct {
	Key          string           `json:"key"`
	Command      string           `json:"command"`
	Runs         int              `json:"runs"`
	Pods         int              `json:"pods"`
	WallMs       []float64        `json:"wallMs"`
	MedianMs     float64          `json:"wallMedianMs"`
	PeakRSSKiB   int64            `json:"peakRSSKiB"`
	Requests     int64            `json:"requests"`
	ByResource   map[string]int64 `json:"requestsByResource"`
	Expected     int              `json:"expectedPages"`
	ResponseMiB  float64          `json:"responseMiB"`
	MsPerKPod    float64          `json:"msPer1000Pods"`
	VsKubectl    *ratio           `json:"vsKubectl,omitempty"`
	VsFloorWall  float64          `json:"vsFloorWall,omitempty"`
	VsCheckWall  float64          `json:"vsCheckWall,omitempty"`
	RequestsSame bool             `json:"requestsSameEveryRun"`
}

type ratio struct {
	Wall    float64 `json:"wall"`
	PeakRSS float64 `json:"peakRSS"`
}

func summarize(c command, s size, samples []sample) result {
	res := result{Key: c.Key, Command: c.Name, Runs: len(samples), Pods: s.Pods, Expected: c.Expected(s), RequestsSame: true}
	walls := make([]float64, len(samples))
	for i, smp := range samples {
		walls[i] = float64(smp.Wall.Microseconds()) / 1000
		res.PeakRSSKiB = max(res.PeakRSSKiB, smp.MaxRSS)
		if i > 0 && smp.Traffic.Requests != samples[0].Traffic.Requests {
			res.RequestsSame = false
		}
	}
	res.WallMs = walls
	res.MedianMs = median(walls)
	last := samples[len(samples)-1].Traffic
	res.Requests, res.ByResource = last.Requests, last.ByResource
	res.ResponseMiB = float64(last.Bytes) / (1 << 20)
	res.MsPerKPod = res.MedianMs / float64(s.Pods) * 1000
	return res
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// pages is how many list requests of 500 n objects take: an empty list is
// one request too.
func pages(n int) int { return max(1, (n+499)/500) }
