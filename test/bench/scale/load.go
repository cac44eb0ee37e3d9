package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync/atomic"
	"time"

	"golang.org/x/sync/errgroup"
	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/api/resource"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/client-go/kubernetes"
)

// The shape of the load: Deployments spread over namespaces, each owning one
// ReplicaSet that owns podsPerDeployment Running pods of two containers.
const (
	namespaces        = 10
	podsPerDeployment = 10
)

// loader writes Deployments, ReplicaSets and pods straight into the API
// server, as the controllers and a kubelet would, and can grow the load in
// steps: each step adds Deployments after the ones already written.
type loader struct {
	client      kubernetes.Interface
	concurrency int
	deployments int // written so far
	started     metav1.Time
}

// loadStep is what one step wrote and how long it took.
type loadStep struct {
	Pods        int           `json:"pods"`
	Deployments int           `json:"deployments"`
	Requests    int64         `json:"requests"`
	Duration    time.Duration `json:"-"`
	Seconds     float64       `json:"seconds"`
}

func newLoader(client kubernetes.Interface, concurrency int) *loader {
	return &loader{client: client, concurrency: concurrency,
		started: metav1.NewTime(time.Now().Add(-time.Hour).Truncate(time.Second))}
}

func namespaceOf(i int) string { return fmt.Sprintf("bench-%02d", i%namespaces) }

func deploymentName(i int) string { return fmt.Sprintf("app-%05d", i) }

// hash is a deterministic hex string of n characters derived from parts.
func hash(n int, parts ...any) string {
	sum := sha256.Sum256(fmt.Append(nil, parts...))
	return hex.EncodeToString(sum[:])[:n]
}

// growTo writes objects until the cluster holds pods pods.
func (l *loader) growTo(ctx context.Context, pods int) (loadStep, error) {
	start := time.Now()
	var requests atomic.Int64
	count := func() { requests.Add(1) }
	if l.deployments == 0 {
		for i := range namespaces {
			ns := &corev1.Namespace{ObjectMeta: metav1.ObjectMeta{Name: namespaceOf(i)}}
			count()
			if _, err := l.client.CoreV1().Namespaces().Create(ctx, ns, metav1.CreateOptions{}); err != nil {
				return loadStep{}, fmt.Errorf("create namespace %s: %w", ns.Name, err)
			}
		}
	}
	first, last := l.deployments, pods/podsPerDeployment
	n := last - first
	deployUIDs := make([]types.UID, n)
	if err := l.each(ctx, n, func(ctx context.Context, k int) error {
		count()
		d, err := createDeployment(ctx, l.client, deployment(first+k))
		if err != nil {
			return err
		}
		deployUIDs[k] = d.UID
		return nil
	}); err != nil {
		return loadStep{}, err
	}
	rsUIDs := make([]types.UID, n)
	if err := l.each(ctx, n, func(ctx context.Context, k int) error {
		count()
		rs, err := createReplicaSet(ctx, l.client, replicaSet(first+k, deployUIDs[k]))
		if err != nil {
			return err
		}
		rsUIDs[k] = rs.UID
		return nil
	}); err != nil {
		return loadStep{}, err
	}
	if err := l.each(ctx, n*podsPerDeployment, func(ctx context.Context, k int) error {
		i, j := first+k/podsPerDeployment, k%podsPerDeployment
		count()
		p, err := createPod(ctx, l.client, pod(i, j, rsUIDs[k/podsPerDeployment]))
		if err != nil {
			return err
		}
		setRunning(p, i, j, l.started)
		count()
		return retryTransient(ctx, func() error {
			_, err := l.client.CoreV1().Pods(p.Namespace).UpdateStatus(ctx, p, metav1.UpdateOptions{})
			return err
		})
	}); err != nil {
		return loadStep{}, err
	}
	l.deployments = last
	d := time.Since(start)
	return loadStep{Pods: n * podsPerDeployment, Deployments: n, Requests: requests.Load(), Duration: d, Seconds: d.Seconds()}, nil
}

// each runs fn for 0..n-1 with at most l.concurrency calls in flight.
func (l *loader) each(ctx context.Context, n int, fn func(ctx context.Context, k int) error) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(l.concurrency)
	for k := range n {
		g.Go(func() error { return fn(ctx, k) })
	}
	return g.Wait()
}

// retryTransient retries what an overloaded API server may refuse for a
// moment.
func retryTransient(ctx context.Context, fn func() error) error {
	var err error
	for attempt := range 6 {
		if err = fn(); err == nil || !transient(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(time.Duration(50<<attempt) * time.Millisecond):
		}
	}
	return err
}

func transient(err error) bool {
	return apierrors.IsTooManyRequests(err) || apierrors.IsServerTimeout(err) || apierrors.IsTimeout(err) ||
		apierrors.IsInternalError(err) || apierrors.IsServiceUnavailable(err)
}

// createOnce creates an object, retrying transient failures; a retry that
// finds the object already there (the first attempt did land) reads it.
func createOnce[T any](ctx context.Context, create func() (T, error), get func() (T, error)) (T, error) {
	var out T
	retried := false
	err := retryTransient(ctx, func() error {
		var err error
		out, err = create()
		if retried && apierrors.IsAlreadyExists(err) {
			out, err = get()
		}
		retried = true
		return err
	})
	return out, err
}

func createDeployment(ctx context.Context, cs kubernetes.Interface, d *appsv1.Deployment) (*appsv1.Deployment, error) {
	c := cs.AppsV1().Deployments(d.Namespace)
	return createOnce(ctx,
		func() (*appsv1.Deployment, error) { return c.Create(ctx, d, metav1.CreateOptions{}) },
		func() (*appsv1.Deployment, error) { return c.Get(ctx, d.Name, metav1.GetOptions{}) })
}

func createReplicaSet(ctx context.Context, cs kubernetes.Interface, rs *appsv1.ReplicaSet) (*appsv1.ReplicaSet, error) {
	c := cs.AppsV1().ReplicaSets(rs.Namespace)
	return createOnce(ctx,
		func() (*appsv1.ReplicaSet, error) { return c.Create(ctx, rs, metav1.CreateOptions{}) },
		func() (*appsv1.ReplicaSet, error) { return c.Get(ctx, rs.Name, metav1.GetOptions{}) })
}

func createPod(ctx context.Context, cs kubernetes.Interface, p *corev1.Pod) (*corev1.Pod, error) {
	c := cs.CoreV1().Pods(p.Namespace)
	return createOnce(ctx,
		func() (*corev1.Pod, error) { return c.Create(ctx, p, metav1.CreateOptions{}) },
		func() (*corev1.Pod, error) { return c.Get(ctx, p.Name, metav1.GetOptions{}) })
}

// The images: each Deployment runs its own build of the app, pinned by
// digest, beside a sidecar shared by all.
const (
	appRepo     = "registry.local/app"
	sidecarRepo = "registry.local/proxy"
)

func appImage(i int) string     { return appRepo + "@sha256:" + hash(64, "app", i) }
func sidecarImage() string      { return sidecarRepo + "@sha256:" + hash(64, "proxy") }
func templateHash(i int) string { return hash(10, "rs", i) }

// podTemplate is a plausible production pod: two hardened containers with
// ports, probes, resources and environment.
func podTemplate(i int, extraLabels map[string]string) corev1.PodTemplateSpec {
	name := deploymentName(i)
	labels := map[string]string{"app": name, "tier": "web"}
	for k, v := range extraLabels {
		labels[k] = v
	}
	hardened := &corev1.SecurityContext{
		AllowPrivilegeEscalation: ptrTo(false),
		ReadOnlyRootFilesystem:   ptrTo(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
	}
	resources := func(cpu, mem string) corev1.ResourceRequirements {
		return corev1.ResourceRequirements{
			Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpu), corev1.ResourceMemory: resource.MustParse(mem)},
			Limits:   corev1.ResourceList{corev1.ResourceMemory: resource.MustParse(mem)},
		}
	}
	return corev1.PodTemplateSpec{
		ObjectMeta: metav1.ObjectMeta{
			Labels:      labels,
			Annotations: map[string]string{"prometheus.io/scrape": "true", "prometheus.io/port": "9090"},
		},
		Spec: corev1.PodSpec{
			ServiceAccountName:           "default",
			AutomountServiceAccountToken: ptrTo(false),
			SecurityContext: &corev1.PodSecurityContext{
				RunAsNonRoot:   ptrTo(true),
				RunAsUser:      ptrTo[int64](10001),
				SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
			},
			Containers: []corev1.Container{
				{
					Name:  "app",
					Image: appImage(i),
					Args:  []string{"--listen=:8080", "--metrics=:9090"},
					Env: []corev1.EnvVar{
						{Name: "APP_NAME", Value: name},
						{Name: "LOG_LEVEL", Value: "info"},
						{Name: "POD_NAME", ValueFrom: &corev1.EnvVarSource{FieldRef: &corev1.ObjectFieldSelector{FieldPath: "metadata.name"}}},
					},
					Ports: []corev1.ContainerPort{{Name: "http", ContainerPort: 8080}, {Name: "metrics", ContainerPort: 9090}},
					ReadinessProbe: &corev1.Probe{ProbeHandler: corev1.ProbeHandler{
						HTTPGet: &corev1.HTTPGetAction{Path: "/healthz", Port: intstr.FromString("http")}}},
					Resources:       resources("100m", "128Mi"),
					VolumeMounts:    []corev1.VolumeMount{{Name: "tmp", MountPath: "/tmp"}},
					SecurityContext: hardened,
				},
				{
					Name:            "proxy",
					Image:           sidecarImage(),
					Args:            []string{"--upstream=127.0.0.1:8080", "--port=8443"},
					Ports:           []corev1.ContainerPort{{Name: "https", ContainerPort: 8443}},
					Resources:       resources("50m", "64Mi"),
					SecurityContext: hardened,
				},
			},
			Volumes: []corev1.Volume{{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}}},
		},
	}
}

func deployment(i int) *appsv1.Deployment {
	name := deploymentName(i)
	return &appsv1.Deployment{
		ObjectMeta: metav1.ObjectMeta{Name: name, Namespace: namespaceOf(i), Labels: map[string]string{"app": name}},
		Spec: appsv1.DeploymentSpec{
			Replicas: ptrTo[int32](podsPerDeployment),
			Selector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": name}},
			Template: podTemplate(i, nil),
		},
	}
}

func ptrTo[T any](v T) *T { return &v }

func controllerRef(apiVersion, kind, name string, uid types.UID) []metav1.OwnerReference {
	return []metav1.OwnerReference{{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid,
		Controller: ptrTo(true), BlockOwnerDeletion: ptrTo(true)}}
}

func replicaSetName(i int) string { return deploymentName(i) + "-" + templateHash(i) }

func replicaSet(i int, owner types.UID) *appsv1.ReplicaSet {
	name := deploymentName(i)
	selector := map[string]string{"app": name, "pod-template-hash": templateHash(i)}
	return &appsv1.ReplicaSet{
		ObjectMeta: metav1.ObjectMeta{
			Name: replicaSetName(i), Namespace: namespaceOf(i), Labels: selector,
			Annotations:     map[string]string{"deployment.kubernetes.io/revision": "1"},
			OwnerReferences: controllerRef("apps/v1", "Deployment", name, owner),
		},
		Spec: appsv1.ReplicaSetSpec{
			Replicas: ptrTo[int32](podsPerDeployment),
			Selector: &metav1.LabelSelector{MatchLabels: selector},
			Template: podTemplate(i, map[string]string{"pod-template-hash": templateHash(i)}),
		},
	}
}

func pod(i, j int, owner types.UID) *corev1.Pod {
	tmpl := podTemplate(i, map[string]string{"pod-template-hash": templateHash(i)})
	spec := tmpl.Spec
	spec.NodeName = fmt.Sprintf("node-%03d", (i*podsPerDeployment+j)%100)
	return &corev1.Pod{
		ObjectMeta: metav1.ObjectMeta{
			Name:            replicaSetName(i) + "-" + hash(5, "pod", i, j),
			Namespace:       namespaceOf(i),
			Labels:          tmpl.Labels,
			Annotations:     tmpl.Annotations,
			OwnerReferences: controllerRef("apps/v1", "ReplicaSet", replicaSetName(i), owner),
		},
		Spec: spec,
	}
}

// setRunning fills in the status a kubelet reports for a pod that runs: the
// runtime's imageID is the digest the image reference pins.
func setRunning(p *corev1.Pod, i, j int, started metav1.Time) {
	k := i*podsPerDeployment + j
	hostIP := fmt.Sprintf("10.1.0.%d", k%100+1) // the node of spec.nodeName
	podIP := fmt.Sprintf("10.244.%d.%d", k/250%250, k%250+1)
	p.Status.Phase = corev1.PodRunning
	p.Status.HostIP, p.Status.HostIPs = hostIP, []corev1.HostIP{{IP: hostIP}}
	p.Status.PodIP, p.Status.PodIPs = podIP, []corev1.PodIP{{IP: podIP}}
	p.Status.StartTime = &started
	p.Status.Conditions = nil
	for _, t := range []corev1.PodConditionType{"PodReadyToStartContainers", corev1.PodInitialized,
		corev1.PodReady, corev1.ContainersReady, corev1.PodScheduled} {
		p.Status.Conditions = append(p.Status.Conditions,
			corev1.PodCondition{Type: t, Status: corev1.ConditionTrue, LastTransitionTime: started})
	}
	p.Status.ContainerStatuses = nil
	for _, c := range p.Spec.Containers {
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, corev1.ContainerStatus{
			Name:         c.Name,
			State:        corev1.ContainerState{Running: &corev1.ContainerStateRunning{StartedAt: started}},
			Ready:        true,
			Started:      ptrTo(true),
			Image:        c.Image,
			ImageID:      "docker-pullable://" + c.Image,
			ContainerID:  "containerd://" + hash(64, "container", p.Name, c.Name),
			RestartCount: 0,
		})
	}
}
