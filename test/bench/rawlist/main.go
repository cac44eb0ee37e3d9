// Command rawlist is the floor of the scale benchmark (test/bench/scale): it
// lists every pod in the cluster the way the cheapest client can, protobuf
// pages of 500 followed by their continue tokens, keeps nothing and prints
// how many pods it saw. Whatever kubectl drift check costs beyond this is
// the cost of its own work.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes"
	"k8s.io/client-go/tools/clientcmd"
)

func main() {
	kubeconfig := flag.String("kubeconfig", os.Getenv("KUBECONFIG"), "path of the kubeconfig")
	limit := flag.Int64("limit", 500, "page size")
	flag.Parse()
	n, err := listPods(context.Background(), *kubeconfig, *limit)
	if err != nil {
		fmt.Fprintln(os.Stderr, "rawlist:", err)
		os.Exit(2)
	}
	fmt.Println(n)
}

func listPods(ctx context.Context, kubeconfig string, limit int64) (int, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", kubeconfig)
	if err != nil {
		return 0, err
	}
	cfg.ContentType = "application/vnd.kubernetes.protobuf"
	cfg.AcceptContentTypes = "application/vnd.kubernetes.protobuf"
	cfg.QPS, cfg.Burst = 50, 100
	cs, err := kubernetes.NewForConfig(cfg)
	if err != nil {
		return 0, err
	}
	n := 0
	opts := metav1.ListOptions{Limit: limit}
	for {
		page, err := cs.CoreV1().Pods(metav1.NamespaceAll).List(ctx, opts)
		if err != nil {
			return n, err
		}
		n += len(page.Items)
		if page.Continue == "" {
			return n, nil
		}
		opts.Continue = page.Continue
	}
}
