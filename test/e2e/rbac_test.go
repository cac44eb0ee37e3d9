package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	rbacv1 "k8s.io/api/rbac/v1"
	"k8s.io/apimachinery/pkg/util/yaml"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
)

// rbacManifest is the RBAC the project ships.
var rbacManifest = filepath.Join("..", "..", "deploy", "rbac.yaml")

// readerRules are the rules of kubectl-drift-reader: exactly the lists of
// plugin.Collector and the get of plugin.ClusterIdentity. A rule added to
// deploy/rbac.yaml must be added here, with a reason the plugin needs it.
var readerRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"pods", "replicationcontrollers"}, Verbs: []string{"list"}},
	{APIGroups: []string{"apps"}, Resources: []string{"deployments", "replicasets", "statefulsets", "daemonsets"}, Verbs: []string{"list"}},
	{APIGroups: []string{"batch"}, Resources: []string{"jobs", "cronjobs"}, Verbs: []string{"list"}},
	{APIGroups: []string{""}, Resources: []string{"namespaces"}, ResourceNames: []string{"kube-system"}, Verbs: []string{"get"}},
}

var resolverRules = []rbacv1.PolicyRule{
	{APIGroups: []string{""}, Resources: []string{"secrets", "serviceaccounts"}, Verbs: []string{"list"}},
}

// TestRBACReaderRoleIsEnoughAndMinimal proves deploy/rbac.yaml: bound to
// kubectl-drift-reader, the unprivileged user locks and checks all
// namespaces cleanly; bound to the role without any one of its resources,
// check fails naming that resource (or, for the kube-system get, warns).
//
// Not parallel: it grants drift-user cluster-wide rights, which the parallel
// scenarios (run only once every sequential test has finished) must not see,
// and -A must not see their workloads change while it runs.
func TestRBACReaderRoleIsEnoughAndMinimal(t *testing.T) {
	roles := readClusterRoles(t, rbacManifest)
	if got := roles["kubectl-drift-reader"].Rules; !equalRules(got, readerRules) {
		t.Fatalf("kubectl-drift-reader rules are\n%s\nwant\n%s", rulesJSON(got), rulesJSON(readerRules))
	}
	if got := roles["kubectl-drift-resolver"].Rules; !equalRules(got, resolverRules) {
		t.Fatalf("kubectl-drift-resolver rules are\n%s\nwant\n%s", rulesJSON(got), rulesJSON(resolverRules))
	}

	s := newScenario(t, "rbac-reader")
	s.apply("web.yaml")
	s.waitSettled("app=web", 2, webImage)
	applyRBAC(t, s)
	b := newBinder(t, s)

	user := *s
	user.kubeconfig = shared.cluster.UserKubeconfig
	b.bind(t, "kubectl-drift-reader", nil)
	r := user.drift("lock", "-A")
	expect(t, r, 0)
	if strings.Contains(r.stderr, "warning") {
		t.Errorf("lock with the full role warned:\n%s", r.stderr)
	}
	contains(t, "lockfile", string(readFile(t, s.lockfile)), "allNamespaces: true", "uid: ", "namespace: rbac-reader")
	r = user.drift("check", "-A")
	expect(t, r, 0)
	contains(t, "check stdout", r.stdout, "no drift")
	if r.stderr != "" {
		t.Errorf("check with the full role wrote to stderr:\n%s", r.stderr)
	}
	locked := readFile(t, s.lockfile)

	for _, p := range readerPermissions() {
		t.Run("without "+p.String(), func(t *testing.T) {
			sub, user := *s, user
			sub.t, user.t = t, t
			role := withoutPermission(roles["kubectl-drift-reader"], p)
			sub.apply(string(mustJSON(t, role)))
			t.Cleanup(func() {
				_, _, _ = shared.cluster.Kubectl(context.Background(), "delete", "clusterrole", role.Name, "--ignore-not-found")
			})
			b.bind(t, role.Name, &p)

			if p.verb == "get" {
				// Only the cluster identity is lost: the result is still right.
				r := user.drift("check", "-A")
				expect(t, r, 0)
				contains(t, "check stderr", r.stderr, "warning: cannot read the kube-system namespace", "forbidden")
				unidentified := filepath.Join(s.dir, "unidentified.lock.yaml")
				r = user.drift("lock", "-A", "--lockfile", unidentified)
				expect(t, r, 0)
				contains(t, "lock stderr", r.stderr, "warning: cannot read the kube-system namespace")
				if lock := string(readFile(t, unidentified)); strings.Contains(lock, "uid:") {
					t.Errorf("a lockfile made without the kube-system get holds a uid:\n%s", lock)
				}
				return
			}
			r := user.drift("check", "-A")
			expect(t, r, 2)
			contains(t, "check stderr", r.stderr, "listing "+p.listed()+" in all namespaces",
				`cannot list resource "`+p.resource+`"`)
			r = user.drift("lock", "-A")
			expect(t, r, 2)
			contains(t, "lock stderr", r.stderr, "listing "+p.listed()+" in all namespaces", "the lockfile was left as it is")
			if !bytes.Equal(readFile(t, s.lockfile), locked) {
				t.Error("a failed lock changed the lockfile")
			}
		})
	}

	// The ServiceAccount and binding commented in deploy/rbac.yaml, for the
	// in-cluster CronJob, are valid and enough, with the ServiceAccount's token.
	b.unbind(t)
	example := filepath.Join(s.dir, "in-cluster.yaml")
	if err := os.WriteFile(example, uncommentedExample(t, rbacManifest), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _, _ = shared.cluster.Kubectl(context.Background(), "delete", "-f", example, "--ignore-not-found", "--wait=false")
	})
	admin := func(args ...string) string {
		out, _, err := shared.cluster.Kubectl(context.Background(), args...)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	admin("apply", "-f", example)
	token := strings.TrimSpace(admin("create", "token", "drift", "-n", "drift-system"))
	sa := "system:serviceaccount:drift-system:drift"
	waitCan(t, sa, "list pods --all-namespaces", true)
	r = runProgram(t, shared.binary, []string{"check", "-A", "--lockfile", s.lockfile,
		"--server", shared.cluster.Server, "--certificate-authority", shared.cluster.CAFile, "--token", token}, nil,
		"KUBECONFIG="+filepath.Join(s.dir, "no-kubeconfig"))
	expect(t, r, 0)
	contains(t, "check stdout", r.stdout, "no drift")
}

// TestRBACResolverRole proves kubectl-drift-resolver: granted with
// RoleBindings in one namespace, as deploy/rbac.yaml advises, lock
// --resolve pulls with the workload's imagePullSecrets; without it, lock
// warns that it cannot read them and the registry refuses.
func TestRBACResolverRole(t *testing.T) {
	t.Parallel()
	const password = "resolver-s3cret"
	reg := testregistry.Start(t, testregistry.Options{Username: "puller", Password: password})
	digest := reg.PushRandom(t, "private/report:2.0")
	s := newScenario(t, "rbac-resolver")
	applyRBAC(t, s)
	s.apply(cronJob("report", reg.Ref("private/report:2.0"), "imagePullSecrets: [{name: regcred}]"))
	s.kubectl("create", "secret", "docker-registry", "regcred", "--docker-server="+reg.Host(),
		"--docker-username=puller", "--docker-password="+password)
	s.kubectl("create", "rolebinding", "drift-reader", "--clusterrole=kubectl-drift-reader", "--user=drift-user")

	user := *s
	user.kubeconfig = shared.cluster.UserKubeconfig
	r := user.drift("lock", "-n", s.ns, "--resolve")
	expect(t, r, 2)
	contains(t, "stderr", r.stderr, "warning: cannot read the image pull credentials of namespace "+s.ns,
		reg.Ref("private/report:2.0")+": unauthorized")

	s.kubectl("create", "rolebinding", "drift-resolver", "--clusterrole=kubectl-drift-resolver", "--user=drift-user")
	s.waitFor("drift-user to list secrets", func() bool { return canI(shared.cluster.UserKubeconfig, "list", "secrets", "-n", s.ns) })
	r = user.drift("lock", "-n", s.ns, "--resolve")
	expect(t, r, 0)
	if strings.Contains(r.stderr, "pull credentials") {
		t.Errorf("lock --resolve with the resolver role warned:\n%s", r.stderr)
	}
	contains(t, "lockfile", string(readFile(t, s.lockfile)), "digest: "+digest)
}

// applyRBAC applies deploy/rbac.yaml. The ClusterRoles are left for the
// other RBAC test; removing them would race with it.
func applyRBAC(t *testing.T, s *scenario) {
	t.Helper()
	s.kubectl("apply", "-f", rbacManifest)
}

// permission is one verb on one resource that kubectl-drift-reader grants.
type permission struct {
	verb, group, resource, name string
}

func (p permission) String() string {
	s := p.verb + " " + p.resource
	if p.group != "" {
		s += "." + p.group
	}
	if p.name != "" {
		s += "/" + p.name
	}
	return s
}

// listed is how plugin.Collector names the resource in its errors.
func (p permission) listed() string {
	if p.group == "" {
		return p.resource
	}
	return p.resource + "." + p.group
}

// canIArgs are the arguments of `kubectl auth can-i` for p, cluster-wide.
func (p permission) canIArgs() string {
	if p.name != "" {
		return p.verb + " " + p.listed() + "/" + p.name
	}
	return p.verb + " " + p.listed() + " --all-namespaces"
}

func readerPermissions() []permission {
	var out []permission
	for _, rule := range readerRules {
		for _, res := range rule.Resources {
			for _, verb := range rule.Verbs {
				p := permission{verb: verb, group: rule.APIGroups[0], resource: res}
				if len(rule.ResourceNames) > 0 {
					p.name = rule.ResourceNames[0]
				}
				out = append(out, p)
			}
		}
	}
	return out
}

// withoutPermission is a copy of role, named for what it lacks, without p.
func withoutPermission(role rbacv1.ClusterRole, p permission) rbacv1.ClusterRole {
	out := rbacv1.ClusterRole{TypeMeta: role.TypeMeta}
	out.Name = role.Name + "-without-" + strings.ReplaceAll(p.listed(), ".", "-")
	for _, rule := range role.Rules {
		rule = *rule.DeepCopy()
		if slices.Contains(rule.APIGroups, p.group) && slices.Equal(rule.ResourceNames, nonEmpty(p.name)) {
			rule.Resources = slices.DeleteFunc(rule.Resources, func(r string) bool { return r == p.resource })
		}
		if len(rule.Resources) > 0 {
			out.Rules = append(out.Rules, rule)
		}
	}
	return out
}

func nonEmpty(s string) []string {
	if s == "" {
		return nil
	}
	return []string{s}
}

// binder binds drift-user to one ClusterRole at a time, with a binding
// name of the test's own, and removes the binding when the test ends.
type binder struct {
	s       *scenario
	name    string
	current string
}

func newBinder(t *testing.T, s *scenario) *binder {
	b := &binder{s: s, name: fmt.Sprintf("drift-user-%d", time.Now().UnixNano())}
	t.Cleanup(func() { b.unbind(t) })
	return b
}

// bind binds drift-user to role alone, and waits until the authorizer
// grants what role grants and no longer what it lacks (missing, if any).
func (b *binder) bind(t *testing.T, role string, missing *permission) {
	t.Helper()
	b.unbind(t)
	if _, _, err := shared.cluster.Kubectl(context.Background(), "create", "clusterrolebinding", b.name,
		"--clusterrole="+role, "--user=drift-user"); err != nil {
		t.Fatal(err)
	}
	b.current = role
	granted := permission{verb: "list", resource: "pods"}
	if missing != nil && *missing == granted {
		granted = permission{verb: "list", group: "apps", resource: "deployments"}
	}
	waitCan(t, "drift-user", granted.canIArgs(), true)
	if missing != nil {
		waitCan(t, "drift-user", missing.canIArgs(), false)
	}
}

// unbind removes the binding, and waits until drift-user may neither list
// pods nor read kube-system, as before the test.
func (b *binder) unbind(t *testing.T) {
	t.Helper()
	if b.current == "" {
		return
	}
	if _, _, err := shared.cluster.Kubectl(context.Background(), "delete", "clusterrolebinding", b.name); err != nil {
		t.Errorf("removing drift-user's binding: %v", err)
		return
	}
	b.current = ""
	waitCan(t, "drift-user", "list pods --all-namespaces", false)
	waitCan(t, "drift-user", "get namespaces/kube-system", false)
}

// waitCan waits until `kubectl auth can-i ARGS --as=who` answers want.
func waitCan(t *testing.T, who, args string, want bool) {
	t.Helper()
	argv := append(strings.Fields(args), "--as="+who)
	deadline := time.Now().Add(30 * time.Second)
	for canI(shared.cluster.AdminKubeconfig, argv...) != want {
		if time.Now().After(deadline) {
			t.Fatalf("kubectl auth can-i %s --as=%s never answered %v", args, who, want)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// canI runs `kubectl auth can-i args...` with kubeconfig and reports a yes.
func canI(kubeconfig string, args ...string) bool {
	out, _, _ := shared.cluster.KubectlAs(context.Background(), kubeconfig, append([]string{"auth", "can-i"}, args...)...)
	return strings.TrimSpace(out) == "yes"
}

// readClusterRoles decodes the ClusterRoles of a manifest, by name, and
// fails on anything else in it or on a rule that grants more than reading.
func readClusterRoles(t *testing.T, path string) map[string]rbacv1.ClusterRole {
	t.Helper()
	dec := yaml.NewYAMLOrJSONDecoder(bytes.NewReader(readFile(t, path)), 4096)
	roles := map[string]rbacv1.ClusterRole{}
	for {
		var role rbacv1.ClusterRole
		err := dec.Decode(&role)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if role.Kind != "ClusterRole" {
			t.Fatalf("%s: unexpected %s %s", path, role.Kind, role.Name)
		}
		for _, rule := range role.Rules {
			for _, v := range slices.Concat(rule.Verbs, rule.Resources, rule.APIGroups) {
				if v == "*" || v == "watch" || v == "create" || v == "update" || v == "patch" || v == "delete" {
					t.Errorf("%s: %s grants %q", path, role.Name, v)
				}
			}
		}
		roles[role.Name] = role
	}
	return roles
}

// uncommentedExample returns the commented YAML at the end of the manifest
// (the ServiceAccount and binding for the CronJob), uncommented.
func uncommentedExample(t *testing.T, path string) []byte {
	t.Helper()
	text := string(readFile(t, path))
	start := strings.Index(text, "# ---\n")
	if start < 0 {
		t.Fatalf("%s has no commented example", path)
	}
	var out strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(text[start:], "\n"), "\n") {
		line = strings.TrimPrefix(strings.TrimPrefix(line, "#"), " ")
		out.WriteString(line + "\n")
	}
	return []byte(out.String())
}

func equalRules(a, b []rbacv1.PolicyRule) bool {
	return slices.EqualFunc(a, b, func(x, y rbacv1.PolicyRule) bool {
		return slices.Equal(x.APIGroups, y.APIGroups) && slices.Equal(x.Resources, y.Resources) &&
			slices.Equal(x.Verbs, y.Verbs) && slices.Equal(x.ResourceNames, y.ResourceNames) &&
			len(x.NonResourceURLs) == 0 && len(y.NonResourceURLs) == 0
	})
}

func rulesJSON(rules []rbacv1.PolicyRule) string {
	b, _ := json.MarshalIndent(rules, "", "  ")
	return string(b)
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
