package plugin

import (
	"context"
	"fmt"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// PullCredentials are the registry credentials of one namespace: its
// registry Secrets and which ServiceAccount pulls with which of them. They
// stay in memory; nothing of them is ever printed or written.
type PullCredentials struct {
	secrets         map[string]corev1.Secret
	serviceAccounts map[string][]string
}

// ReadPullCredentials lists the namespace's registry Secrets (the two
// types kubelet reads) and its ServiceAccounts: three lists, no gets.
func (c *Collector) ReadPullCredentials(ctx context.Context, ns string) (*PullCredentials, error) {
	size := c.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	core := c.Client.CoreV1()
	creds := &PullCredentials{secrets: map[string]corev1.Secret{}, serviceAccounts: map[string][]string{}}
	for _, typ := range []corev1.SecretType{corev1.SecretTypeDockerConfigJson, corev1.SecretTypeDockercfg} {
		list := typedPages(core.Secrets(ns).List, func(l *corev1.SecretList) []corev1.Secret { return l.Items },
			func(s *corev1.Secret) corev1.Secret { return *s })
		secrets, err := collectPages(ctx, size, withFieldSelector(list, "type="+string(typ)))
		if err != nil {
			return nil, fmt.Errorf("listing %s secrets in namespace %s: %w", typ, ns, err)
		}
		for _, s := range secrets {
			if s.Type == typ { // the server filters too; this keeps other Secrets out regardless
				creds.secrets[s.Name] = s
			}
		}
	}
	accounts, err := collectPages(ctx, size, typedPages(core.ServiceAccounts(ns).List,
		func(l *corev1.ServiceAccountList) []corev1.ServiceAccount { return l.Items },
		func(sa *corev1.ServiceAccount) corev1.ServiceAccount { return *sa }))
	if err != nil {
		return nil, fmt.Errorf("listing serviceaccounts in namespace %s: %w", ns, err)
	}
	for _, sa := range accounts {
		for _, ref := range sa.ImagePullSecrets {
			creds.serviceAccounts[sa.Name] = append(creds.serviceAccounts[sa.Name], ref.Name)
		}
	}
	return creds, nil
}

// withFieldSelector narrows every page of a list with a field selector.
func withFieldSelector[R any](list pagedList[R], selector string) pagedList[R] {
	return func(ctx context.Context, opts metav1.ListOptions) ([]R, string, error) {
		opts.FieldSelector = selector
		return list(ctx, opts)
	}
}

// SecretsFor returns the Secrets a workload's pods pull with, as the
// kubelet does: the template's imagePullSecrets and those of its
// ServiceAccount, by name, sorted. Names with no registry Secret are skipped.
func (p *PullCredentials) SecretsFor(w Workload) []corev1.Secret {
	if p == nil {
		return nil
	}
	names := slices.Concat(w.PullSecrets, p.serviceAccounts[w.Template.Pod.ServiceAccountName])
	slices.Sort(names)
	var out []corev1.Secret
	for _, name := range slices.Compact(names) {
		if s, ok := p.secrets[name]; ok {
			out = append(out, s)
		}
	}
	return out
}
