// Package bench holds the benchmarks of the built binary (make bench). They
// report numbers against their targets and assert none: benchmarks are not
// tests.
package bench
