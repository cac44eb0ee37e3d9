package cmd

import (
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"k8s.io/cli-runtime/pkg/genericclioptions"
	"k8s.io/cli-runtime/pkg/genericiooptions"
)

// BuildInfo is stamped into the binary at build time.
type BuildInfo struct {
	Version string
	Commit  string
}

// NewCmdDrift returns the root command, `kubectl drift`.
func NewCmdDrift(streams genericiooptions.IOStreams, build BuildInfo) *cobra.Command {
	flags := genericclioptions.NewConfigFlags(true)
	root := &cobra.Command{
		Use:   "kubectl-drift",
		Short: "Lock approved container images and security contexts, and detect drift from them",
		Long: `kubectl drift records the image digests and effective security contexts of a
namespace's workloads into a lockfile you commit to git, and checks the live
cluster against it: a swapped image, a re-pushed tag, privileged: true, an added
capability, a changed command or an injected debug container is drift.

Exit codes: 0 no drift, 1 drift, 2 an error or anything that could not be verified.`,
		Example: `  # Approve what runs in the current namespace
  kubectl drift lock

  # Check the cluster against the lockfile
  kubectl drift check

  # Check for scripts
  kubectl drift check -o json`,
		Annotations:   map[string]string{cobra.CommandDisplayNameAnnotation: "kubectl drift"},
		SilenceErrors: true,
		SilenceUsage:  true,
	}
	root.SetOut(streams.Out)
	root.SetErr(streams.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &ExitError{Err: err, Code: CodeError}
	})
	flags.AddFlags(root.PersistentFlags())
	root.AddCommand(
		NewCmdLock(streams, flags),
		NewCmdCheck(streams, flags),
		NewCmdVersion(streams, build),
	)
	registerCompletions(root, flags)
	return root
}

// namespaceSet reports whether -n/--namespace was given on the command line,
// as opposed to coming from the kubeconfig context.
func namespaceSet(fs *pflag.FlagSet) bool {
	f := fs.Lookup("namespace")
	return f != nil && f.Changed
}
