package cmd

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/kubectl-drift/kubectl-drift/diff"
	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// ReportKind names the JSON document check prints.
const ReportKind = "DriftReport"

// JSONReport is the document `check -o json` prints: exactly one, also when
// the check fails.
type JSONReport struct {
	APIVersion string             `json:"apiVersion"`
	Kind       string             `json:"kind"`
	Drift      bool               `json:"drift"`
	Summary    JSONSummary        `json:"summary"`
	Findings   []lockfile.Finding `json:"findings"`
	Errors     []JSONError        `json:"errors"`
}

// JSONSummary counts what was checked and the findings per reason.
type JSONSummary struct {
	Workloads  int `json:"workloads"`
	Pods       int `json:"pods"`
	Changed    int `json:"changed"`
	Unlocked   int `json:"unlocked"`
	Missing    int `json:"missing"`
	Ephemeral  int `json:"ephemeral"`
	Unverified int `json:"unverified"`
}

// JSONError is something that could not be read or checked.
type JSONError struct {
	Message string `json:"message"`
}

// reporter renders check's outcome in the chosen format and turns it into
// an exit code.
type reporter struct {
	o *CheckOptions
}

func newReporter(o *CheckOptions) *reporter { return &reporter{o: o} }

// fail reports an error that stopped the check: in JSON as a document with
// the error, in text on stderr. Exit code 2.
func (r *reporter) fail(err error) error {
	if r.o.Output == "json" {
		doc := JSONReport{APIVersion: lockfile.APIVersion, Kind: ReportKind,
			Findings: []lockfile.Finding{}, Errors: []JSONError{{Message: err.Error()}}}
		if werr := writeJSON(r.o.streams.Out, doc); werr != nil {
			return &ExitError{Err: werr, Code: CodeError}
		}
		fmt.Fprintf(r.o.streams.ErrOut, "error: %v\n", err)
		return &ExitError{Code: CodeError}
	}
	return &ExitError{Err: err, Code: CodeError}
}

// report prints the findings and what could not be read, and returns the
// exit code: 2 when anything was unverified or unread, else 1 on drift,
// else nil.
func (r *reporter) report(rep *lockfile.Report, readErrs []error) error {
	var err error
	if r.o.Output == "json" {
		doc := r.jsonDoc(rep)
		for _, e := range readErrs {
			doc.Errors = append(doc.Errors, JSONError{Message: e.Error()})
		}
		err = writeJSON(r.o.streams.Out, doc)
	} else {
		err = r.text(rep, len(readErrs) > 0)
	}
	if err != nil {
		return &ExitError{Err: err, Code: CodeError}
	}
	for _, e := range readErrs {
		fmt.Fprintf(r.o.streams.ErrOut, "error: %v\n", e)
	}
	switch {
	case len(readErrs) > 0 || rep.Unverified():
		return &ExitError{Code: CodeError}
	case rep.Drift():
		return &ExitError{Code: CodeDrift}
	}
	return nil
}

func (r *reporter) jsonDoc(rep *lockfile.Report) JSONReport {
	counts := rep.Count()
	doc := JSONReport{
		APIVersion: lockfile.APIVersion,
		Kind:       ReportKind,
		Drift:      rep.Drift(),
		Summary: JSONSummary{
			Workloads: rep.Workloads, Pods: rep.Pods,
			Changed: counts[lockfile.Changed], Unlocked: counts[lockfile.Unlocked], Missing: counts[lockfile.Missing],
			Ephemeral: counts[lockfile.Ephemeral], Unverified: counts[lockfile.Unverified],
		},
		Findings: []lockfile.Finding{},
		Errors:   []JSONError{},
	}
	for _, res := range rep.Results {
		doc.Findings = append(doc.Findings, res.Findings...)
	}
	return doc
}

func writeJSON(w io.Writer, doc JSONReport) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

// text prints, per workload with findings, a unified diff of its locked
// entry against each differing live view, notes for what could not be
// verified, then a one-line summary.
func (r *reporter) text(rep *lockfile.Report, incomplete bool) error {
	mode, _ := parseColor(r.o.Color)
	pal := palette(mode, r.o.streams.Out)
	out := r.o.streams.Out
	for _, res := range rep.Results {
		if err := renderResult(out, res, r.o.Context, pal); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(out, summaryLine(rep, r.o.Lockfile, incomplete))
	return err
}

func renderResult(w io.Writer, res lockfile.WorkloadResult, context int, pal diff.Palette) error {
	id := res.ID.String()
	var lockedText string
	if res.Locked != nil {
		b, err := lockfile.MarshalEntry(*res.Locked)
		if err != nil {
			return err
		}
		lockedText = string(b)
	}
	switch {
	case res.Locked == nil:
		for _, v := range res.Views {
			if err := renderView(w, "lock (not locked)", "live "+id+" ("+v.Source+")", "", v.Workload, context, pal); err != nil {
				return err
			}
		}
	case len(res.Views) == 0 && hasReason(res, lockfile.Missing) && len(res.Findings) == 1:
		if _, err := diff.Unified(w, "lock "+id, "live (not found)", lockedText, "", context, pal); err != nil {
			return err
		}
	default:
		for _, v := range res.Views {
			if err := renderView(w, "lock "+id, "live "+id+" ("+v.Source+")", lockedText, v.Workload, context, pal); err != nil {
				return err
			}
		}
	}
	for _, f := range res.Findings {
		if f.Reason != lockfile.Unverified {
			continue
		}
		if _, err := fmt.Fprintf(w, "unverified: %s container %q%s: %s\n", id, f.Container, podsSuffix(f.Pods), describeChanges(f.Changes)); err != nil {
			return err
		}
	}
	return nil
}

func renderView(w io.Writer, oldName, newName, lockedText string, live lockfile.Workload, context int, pal diff.Palette) error {
	b, err := lockfile.MarshalEntry(live)
	if err != nil {
		return err
	}
	_, err = diff.Unified(w, oldName, newName, lockedText, string(b), context, pal)
	return err
}

func hasReason(res lockfile.WorkloadResult, reason lockfile.Reason) bool {
	for _, f := range res.Findings {
		if f.Reason == reason {
			return true
		}
	}
	return false
}

func podsSuffix(pods []string) string {
	if len(pods) == 0 {
		return ""
	}
	return " in pods " + strings.Join(pods, ", ")
}

func describeChanges(changes []lockfile.Change) string {
	parts := make([]string, len(changes))
	for i, c := range changes {
		parts[i] = fmt.Sprintf("%s locked %s, live %s", c.Field, orNone(c.Locked), orNone(c.Live))
	}
	return strings.Join(parts, "; ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// summaryLine is the last line of a text report. It never says "no drift"
// about a check that could not read part of its scope.
func summaryLine(rep *lockfile.Report, lockfilePath string, incomplete bool) string {
	counts := rep.Count()
	checked := fmt.Sprintf("%d workload(s), %d pod(s) checked against %s", rep.Workloads, rep.Pods, lockfilePath)
	if incomplete {
		checked += "; part of the scope could not be read (see the errors)"
	}
	if !rep.Drift() && !rep.Unverified() && !incomplete {
		return "no drift: " + checked
	}
	parts := make([]string, 0, len(lockfile.Reasons))
	for _, reason := range lockfile.Reasons {
		parts = append(parts, fmt.Sprintf("%d %s", counts[reason], reason))
	}
	verdict := "drift"
	if !rep.Drift() {
		verdict = "not verified"
	}
	return fmt.Sprintf("%s: %s; %s", verdict, strings.Join(parts, ", "), checked)
}
