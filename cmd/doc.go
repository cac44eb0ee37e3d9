// Package cmd holds the cobra commands of kubectl drift and their options.
// Commands wire package plugin (what is live), package lockfile (the
// baseline and the comparison) and package diff (the rendering); they never
// write to os.Stdout directly and report their exit code as an *ExitError.
package cmd
