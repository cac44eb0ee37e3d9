package cmd

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/cli-runtime/pkg/genericclioptions"

	"github.com/kubectl-drift/kubectl-drift/plugin"
)

// namespaceCompletionTimeout bounds the namespace list behind -n <TAB>: a
// shell waits for it, so an unreachable cluster must cost seconds, not minutes.
const namespaceCompletionTimeout = 5 * time.Second

// completionLong replaces the default completion command's description: the
// scripts complete the kubectl-drift binary, and kubectl completes plugins
// through a kubectl_complete-<plugin> executable.
const completionLong = `Generate the autocompletion script for kubectl-drift for the specified shell.
See each sub-command's help for details on how to use the generated script.

The script completes the kubectl-drift command. For "kubectl drift <TAB>",
kubectl (1.26 or later) runs an executable named kubectl_complete-drift found
on your PATH. The krew package ships one; to make it by hand:

  cat > kubectl_complete-drift <<'EOF'
  #!/usr/bin/env sh
  exec kubectl drift __complete "$@"
  EOF
  chmod +x kubectl_complete-drift   # then move it to a directory on your PATH

Both complete namespaces (-n) from the cluster, contexts, clusters and users
from the kubeconfig, and the values of -o and --color.`

// registerCompletions adds the completion command and the completions of
// the flags: the kubectl connection flags on root, and the flags of each
// subcommand. Each completion reads the flags given on the command line
// being completed (--kubeconfig, --context, --server, ...), through flags.
func registerCompletions(root *cobra.Command, flags *genericclioptions.ConfigFlags) {
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.Long = completionLong
		}
	}

	mustRegister(root, "namespace", func(c *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return completeNamespaces(c, flags, toComplete), cobra.ShellCompDirectiveNoFileComp
	})
	for flag, names := range map[string]func(*clientcmdNames) []string{
		"context": func(n *clientcmdNames) []string { return n.contexts },
		"cluster": func(n *clientcmdNames) []string { return n.clusters },
		"user":    func(n *clientcmdNames) []string { return n.users },
	} {
		mustRegister(root, flag, func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			n, err := kubeconfigNames(flags)
			if err != nil {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return withPrefix(names(n), toComplete), cobra.ShellCompDirectiveNoFileComp
		})
	}

	for _, c := range root.Commands() {
		switch c.Name() {
		case "lock", "check", "version":
		default:
			continue
		}
		c.ValidArgsFunction = cobra.NoFileCompletions // none takes arguments
		registerIfPresent(c, "output", fixedValues("text", "json"))
		registerIfPresent(c, "color", fixedValues(string(colorAuto), string(colorAlways), string(colorNever)))
		registerIfPresent(c, "lockfile", fileExtensions("yaml", "yml"))
		registerIfPresent(c, "filename", fileExtensions("yaml", "yml", "json"))
		registerIfPresent(c, "kustomize", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			return nil, cobra.ShellCompDirectiveFilterDirs
		})
		for _, free := range []string{"selector", "unified", "concurrency", "insecure-registry"} {
			registerIfPresent(c, free, cobra.NoFileCompletions)
		}
	}
}

type completionFunc = func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective)

// mustRegister registers a flag completion; it fails only on a programming
// error (an unknown flag, or one registered twice), caught by the tests.
func mustRegister(c *cobra.Command, flag string, f completionFunc) {
	if err := c.RegisterFlagCompletionFunc(flag, f); err != nil {
		panic(fmt.Sprintf("registering the completion of --%s: %v", flag, err))
	}
}

func registerIfPresent(c *cobra.Command, flag string, f completionFunc) {
	if c.Flags().Lookup(flag) != nil {
		mustRegister(c, flag, f)
	}
}

func fixedValues(values ...string) completionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]string, cobra.ShellCompDirective) {
		return withPrefix(values, toComplete), cobra.ShellCompDirectiveNoFileComp
	}
}

func fileExtensions(exts ...string) completionFunc {
	return func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return exts, cobra.ShellCompDirectiveFilterFileExt
	}
}

// completeNamespaces lists the cluster's namespaces with the connection
// flags given, as kubectl's own -n completion does. Any failure (no
// kubeconfig, an unreachable or forbidden API, the timeout) completes
// nothing; the reason goes to stderr, which shells discard.
func completeNamespaces(c *cobra.Command, flags *genericclioptions.ConfigFlags, toComplete string) []string {
	ctx := c.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	ctx, cancel := context.WithTimeout(ctx, namespaceCompletionTimeout)
	defer cancel()
	names, err := listNamespaces(ctx, flags)
	if err != nil {
		cobra.CompDebugln("listing namespaces: "+err.Error(), false)
		fmt.Fprintf(c.ErrOrStderr(), "cannot complete namespaces: %v\n", err)
		return nil
	}
	return withPrefix(names, toComplete)
}

func listNamespaces(ctx context.Context, flags *genericclioptions.ConfigFlags) ([]string, error) {
	cfg, err := flags.ToRESTConfig()
	if err != nil {
		return nil, err
	}
	cs, err := plugin.NewClientset(cfg)
	if err != nil {
		return nil, err
	}
	list, err := cs.CoreV1().Namespaces().List(ctx, metav1.ListOptions{})
	if err != nil {
		return nil, err
	}
	names := make([]string, len(list.Items))
	for i, ns := range list.Items {
		names[i] = ns.Name
	}
	return names, nil
}

// clientcmdNames are the names a kubeconfig defines.
type clientcmdNames struct {
	contexts, clusters, users []string
}

// kubeconfigNames reads the kubeconfig the flags name (--kubeconfig, else
// KUBECONFIG, else ~/.kube/config), as kubectl's completion of --context does.
func kubeconfigNames(flags *genericclioptions.ConfigFlags) (*clientcmdNames, error) {
	cfg, err := flags.ToRawKubeConfigLoader().RawConfig()
	if err != nil {
		return nil, err
	}
	return &clientcmdNames{
		contexts: slices.Sorted(maps.Keys(cfg.Contexts)),
		clusters: slices.Sorted(maps.Keys(cfg.Clusters)),
		users:    slices.Sorted(maps.Keys(cfg.AuthInfos)),
	}, nil
}

// withPrefix keeps the values that start with prefix, sorted.
func withPrefix(values []string, prefix string) []string {
	var out []string
	for _, v := range values {
		if strings.HasPrefix(v, prefix) {
			out = append(out, v)
		}
	}
	slices.Sort(out)
	return out
}
