// Command kubectl-drift is the kubectl drift plugin: it locks the approved
// images and security contexts of a cluster's workloads and checks for drift.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"k8s.io/cli-runtime/pkg/genericiooptions"
	_ "k8s.io/client-go/plugin/pkg/client/auth"

	"github.com/kubectl-drift/kubectl-drift/cmd"
)

// Stamped with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	defer func() {
		// A security check must not die silently half-way: say so, exit 2.
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "error: internal error: %v; nothing was written\n", r)
			os.Exit(cmd.CodeError)
		}
	}()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	streams := genericiooptions.IOStreams{In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr}
	root := cmd.NewCmdDrift(streams, cmd.BuildInfo{Version: version, Commit: commit})
	err := root.ExecuteContext(ctx)
	stop()
	os.Exit(exitCode(err))
}

// exitCode prints err once and maps it to the exit code: an *cmd.ExitError
// carries its own, anything else (a flag error) is 2.
func exitCode(err error) int {
	if err == nil {
		return cmd.CodeClean
	}
	var exit *cmd.ExitError
	if errors.As(err, &exit) {
		if exit.Err != nil {
			fmt.Fprintf(os.Stderr, "error: %v\n", exit.Err)
		}
		return exit.Code
	}
	fmt.Fprintf(os.Stderr, "error: %v\n", err)
	return cmd.CodeError
}
