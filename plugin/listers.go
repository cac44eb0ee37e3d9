package plugin

import (
	"context"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

type lister struct {
	resource string
	run      func(ctx context.Context) ([]controllerRecord, []podRecord, error)
}

// typedPages adapts a typed client-go List to a paged list of records: each
// page's objects become records at once and the page is dropped.
func typedPages[T any, L interface{ GetContinue() string }, R any](
	list func(context.Context, metav1.ListOptions) (L, error), items func(L) []T, record func(*T) R,
) pagedList[R] {
	return func(ctx context.Context, opts metav1.ListOptions) ([]R, string, error) {
		l, err := list(ctx, opts)
		if err != nil {
			return nil, "", err
		}
		objs := items(l)
		recs := make([]R, len(objs))
		for i := range objs {
			recs[i] = record(&objs[i])
		}
		return recs, l.GetContinue(), nil
	}
}

func controllers(resource string, pageSize int64, list pagedList[controllerRecord]) lister {
	return lister{resource, func(ctx context.Context) ([]controllerRecord, []podRecord, error) {
		recs, err := collectPages(ctx, pageSize, list)
		return recs, nil, err
	}}
}

// listers returns one lister per kind for namespace ns ("" for all).
func (c *Collector) listers(ns string, listed map[string]bool) []lister {
	size := c.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	apps, batch, core := c.Client.AppsV1(), c.Client.BatchV1(), c.Client.CoreV1()
	pods := typedPages(core.Pods(ns).List, func(l *corev1.PodList) []corev1.Pod { return l.Items },
		func(p *corev1.Pod) podRecord { return recordPod(p, listed) })
	return []lister{
		{"pods", func(ctx context.Context) ([]controllerRecord, []podRecord, error) {
			recs, err := collectPages(ctx, size, pods)
			return nil, recs, err
		}},
		controllers("deployments.apps", size, typedPages(apps.Deployments(ns).List,
			func(l *appsv1.DeploymentList) []appsv1.Deployment { return l.Items }, recordDeployment)),
		controllers("replicasets.apps", size, typedPages(apps.ReplicaSets(ns).List,
			func(l *appsv1.ReplicaSetList) []appsv1.ReplicaSet { return l.Items }, recordReplicaSet)),
		controllers("statefulsets.apps", size, typedPages(apps.StatefulSets(ns).List,
			func(l *appsv1.StatefulSetList) []appsv1.StatefulSet { return l.Items }, recordStatefulSet)),
		controllers("daemonsets.apps", size, typedPages(apps.DaemonSets(ns).List,
			func(l *appsv1.DaemonSetList) []appsv1.DaemonSet { return l.Items }, recordDaemonSet)),
		controllers("jobs.batch", size, typedPages(batch.Jobs(ns).List,
			func(l *batchv1.JobList) []batchv1.Job { return l.Items }, recordJob)),
		controllers("cronjobs.batch", size, typedPages(batch.CronJobs(ns).List,
			func(l *batchv1.CronJobList) []batchv1.CronJob { return l.Items }, recordCronJob)),
		controllers("replicationcontrollers", size, typedPages(core.ReplicationControllers(ns).List,
			func(l *corev1.ReplicationControllerList) []corev1.ReplicationController { return l.Items }, recordReplicationController)),
	}
}
