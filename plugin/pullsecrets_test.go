package plugin

import (
	"context"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/client-go/kubernetes/fake"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

func TestPullCredentials(t *testing.T) {
	secret := func(name string, typ corev1.SecretType) *corev1.Secret {
		return &corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name}, Type: typ}
	}
	cs := fake.NewClientset(
		secret("regcred", corev1.SecretTypeDockerConfigJson),
		secret("legacy", corev1.SecretTypeDockercfg),
		secret("account-cred", corev1.SecretTypeDockerConfigJson),
		secret("tls", corev1.SecretTypeTLS),
		&corev1.Secret{ObjectMeta: metav1.ObjectMeta{Namespace: "other", Name: "regcred"}, Type: corev1.SecretTypeDockerConfigJson},
		&corev1.ServiceAccount{ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: "puller"},
			ImagePullSecrets: []corev1.LocalObjectReference{{Name: "account-cred"}, {Name: "gone"}}},
	)
	creds, err := (&Collector{Client: cs}).ReadPullCredentials(context.Background(), "shop")
	if err != nil {
		t.Fatal(err)
	}
	workload := func(sa string, secrets ...string) Workload {
		w := Workload{PullSecrets: secrets}
		w.Template.Pod = lockfile.PodPosture{ServiceAccountName: sa}
		return w
	}
	tests := []struct {
		name string
		w    Workload
		want []string
	}{
		{"the template's secrets", workload("default", "regcred", "legacy"), []string{"legacy", "regcred"}},
		{"the service account's secrets", workload("puller"), []string{"account-cred"}},
		{"both, once each", workload("puller", "account-cred", "regcred"), []string{"account-cred", "regcred"}},
		{"a secret of another type or that does not exist is skipped", workload("default", "tls", "missing"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, s := range creds.SecretsFor(tt.w) {
				got = append(got, s.Name)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("SecretsFor() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := (*PullCredentials)(nil).SecretsFor(workload("puller", "regcred")); got != nil {
		t.Errorf("no credentials read: want no secrets, got %v", got)
	}
}
