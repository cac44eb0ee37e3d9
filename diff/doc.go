// Package diff turns two texts into unified-diff hunks and renders them.
//
// kubectl drift shows drift as a reviewer would see it in a pull request: the
// lockfile entry as the old side, what is live as the new side, with real
// "@@ -a,b +c,d @@" hunks and -U context lines, numbered exactly as GNU
// "diff -u" numbers them so the output can be read, piped and patched with the
// usual tools.
//
// Computing hunks and rendering them are separate steps. [Hunks] is pure; the
// renderer takes an [io.Writer] and a [Palette] chosen by the caller, so whether
// output is coloured is decided once, from --color, NO_COLOR and TERM, and never
// from process-wide terminal detection.
//
// The package works on plain text and knows nothing of Kubernetes objects.
package diff
