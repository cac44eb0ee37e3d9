// Package testcluster starts a throwaway Kubernetes control plane on loopback
// for end-to-end tests: etcd and kube-apiserver always, and on request
// kube-controller-manager, kube-scheduler and one hollow node (kubemark's fake
// kubelet) so that workloads roll out to Running pods without any container
// runtime.
//
// The programs come from hack/build-tools.sh, which builds them from the Go
// modules pinned in hack/tools/go.mod and prints the directory that holds them;
// tests find that directory in the DRIFT_TOOLS_BIN environment variable. A test
// that cannot find them fails: the end-to-end suite never skips.
//
// One cluster per test:
//
//	c := testcluster.StartForTest(t, testcluster.Options{Controllers: true})
//	out, _, err := c.Kubectl(t.Context(), "get", "pods", "-A")
//
// or one for a whole package, from TestMain (os.Exit skips deferred calls, so
// stop it first):
//
//	func TestMain(m *testing.M) {
//		c, err := testcluster.Start(context.Background(), testcluster.Options{})
//		if err != nil {
//			fmt.Fprintln(os.Stderr, err)
//			os.Exit(1)
//		}
//		code := m.Run()
//		c.Stop()
//		os.Exit(code)
//	}
//
// Every process runs in its own process group and receives SIGKILL if the test
// binary dies, so a crashed or timed-out test leaves nothing running.
//
// The hollow kubelet reports a container's imageID as the image string of the
// pod spec, so a digest appears only when the spec pins one. To test other
// runtime formats, bind a pod to a node that has no kubelet
// (spec.nodeName "ghost") and write its status through the status subresource,
// as a kubelet would; the controller-manager runs without the pod garbage
// collector so such a pod stays.
package testcluster
