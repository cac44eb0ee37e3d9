// Package e2e runs the built kubectl-drift binary against a real control
// plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler and a
// hollow node) started by internal/testcluster. Every scenario works in a
// namespace of its own on one shared cluster.
package e2e
