// Package lockfile is the model and the format of a kubectl-drift lockfile:
// the entry types, strict reading with errors that name the file, line and
// field path, validation, deterministic atomic writing, scope merging, and
// Compare, which turns a lockfile and what was observed into findings.
//
// The package is pure: it reads and writes files but never talks to a
// cluster, so everything in it is tested with plain tables.
package lockfile
