package cmd

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
	"github.com/kubectl-drift/kubectl-drift/plugin"
)

// CheckOptions are the options of `kubectl drift check`.
type CheckOptions struct {
	scopeOptions
	Output  string
	Color   string
	Context int

	flags     *genericclioptions.ConfigFlags
	streams   genericiooptions.IOStreams
	namespace string // -n when given on the command line
}

// NewCmdCheck returns `kubectl drift check`.
func NewCmdCheck(streams genericiooptions.IOStreams, flags *genericclioptions.ConfigFlags) *cobra.Command {
	o := &CheckOptions{flags: flags, streams: streams}
	c := &cobra.Command{
		Use:   "check [-n NAMESPACE | -A] [-l SELECTOR] [--lockfile PATH] [-o text|json] [-U N]",
		Short: "Compare what runs with the lockfile and show the drift as a unified diff",
		Long: `Compare the workloads in the lockfile's scope with the lockfile: the pod
template and every current pod. Changed images, digests, entrypoints and
security settings, unlocked and missing workloads and ephemeral containers are
drift. Without scope flags the lockfile's own scope is checked; -n, -A and -l
may narrow it but never reach outside it.

Exit codes: 0 no drift, 1 drift, 2 an error or anything that could not be
verified (2 wins over 1).`,
		Example: `  kubectl drift check
  kubectl drift check -n shop -U 1
  kubectl drift check -o json | jq .summary`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			o.Complete(c)
			if err := o.Validate(); err != nil {
				return err
			}
			return o.Run(c)
		},
	}
	o.addFlags(c)
	c.Flags().StringVarP(&o.Output, "output", "o", "text", "Output format: text or json")
	c.Flags().StringVar(&o.Color, "color", "auto", "Colour the diff: auto, always or never")
	c.Flags().IntVarP(&o.Context, "unified", "U", 3, "Lines of context in the diff")
	return c
}

// Complete notes whether -n was given: only an explicit namespace narrows
// the check; the kubeconfig context's namespace does not.
func (o *CheckOptions) Complete(c *cobra.Command) {
	if namespaceSet(c.Flags()) && o.flags.Namespace != nil {
		o.namespace = *o.flags.Namespace
	}
}

// Validate checks the flags.
func (o *CheckOptions) Validate() error {
	if o.Output != "text" && o.Output != "json" {
		return failf("invalid --output %q: use text or json", o.Output)
	}
	if _, err := parseColor(o.Color); err != nil {
		return failf("%w", err)
	}
	if o.Context < 0 {
		return failf("invalid -U %d: context lines cannot be negative", o.Context)
	}
	if _, err := labels.Parse(o.Selector); err != nil {
		return failf("invalid --selector: %w", err)
	}
	return nil
}

// Run checks the cluster against the lockfile and reports.
func (o *CheckOptions) Run(c *cobra.Command) error {
	rep := newReporter(o)
	lf, err := lockfile.ReadFile(o.Lockfile)
	if errors.Is(err, lockfile.ErrNotExist) {
		return rep.fail(fmt.Errorf("no lockfile at %s: run `kubectl drift lock` first, or pass --lockfile", o.Lockfile))
	}
	if err != nil {
		return rep.fail(err)
	}
	scopes, err := lockfile.Narrow(lf.Scope, o.namespace, o.AllNamespaces, o.Selector)
	if err != nil {
		return rep.fail(err)
	}
	cl, err := connect(o.flags)
	if err != nil {
		return rep.fail(err)
	}
	ctx := c.Context()
	workloads, err := cl.observe(ctx, scopes)
	var readErrs []error
	if err != nil {
		// A namespace that could not be read is left out of the comparison
		// and reported; drift found elsewhere is still shown. Exit 2.
		var ce *plugin.CollectError
		if !errors.As(err, &ce) || ce.Failed[""] != nil {
			return rep.fail(err)
		}
		scopes = withoutNamespaces(scopes, ce.Failed)
		if len(scopes) == 0 {
			return rep.fail(err)
		}
		readErrs = []error{err}
	}
	if lf.Cluster != nil {
		identity, warning := plugin.ClusterIdentity(ctx, cl.client, cl.config.Host)
		if warning != "" {
			warnf(o.streams.ErrOut, "%s", warning)
		}
		if !sameCluster(lf.Cluster, identity) {
			warnf(o.streams.ErrOut, "%s was locked from cluster %s, but this is cluster %s", o.Lockfile, describeCluster(lf.Cluster), describeCluster(identity))
		}
	}
	observed := make([]lockfile.Observed, len(workloads))
	for i := range workloads {
		observed[i] = workloads[i].Observed
	}
	report := lockfile.Compare(lf, scopes, observed)
	return rep.report(&report, readErrs)
}

// withoutNamespaces drops the scope entries of namespaces that failed.
func withoutNamespaces(scopes []lockfile.Scope, failed map[string][]error) []lockfile.Scope {
	var out []lockfile.Scope
	for _, s := range scopes {
		if _, bad := failed[s.Namespace]; !s.AllNamespaces && bad {
			continue
		}
		out = append(out, s)
	}
	return out
}
