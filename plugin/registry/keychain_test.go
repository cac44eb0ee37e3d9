package registry_test

import (
	"encoding/json"
	"testing"

	"github.com/google/go-containerregistry/pkg/authn"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/kubectl-drift/kubectl-drift/internal/testregistry"
	"github.com/kubectl-drift/kubectl-drift/plugin/registry"
)

func pullSecret(name string, typ corev1.SecretType, key string, data []byte) corev1.Secret {
	return corev1.Secret{
		ObjectMeta: metav1.ObjectMeta{Namespace: "shop", Name: name},
		Type:       typ,
		Data:       map[string][]byte{key: data},
	}
}

func TestKeychainFromPullSecrets(t *testing.T) {
	reg := testregistry.Start(t, testregistry.Options{Username: "robot", Password: password})
	d := reg.PushRandom(t, "private:v1")
	image := reg.Ref("private:v1")

	// The legacy .dockercfg format is the "auths" map on its own.
	var cfg struct{ Auths json.RawMessage }
	if err := json.Unmarshal(reg.DockerConfigJSON(), &cfg); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		secret corev1.Secret
	}{
		{"dockerconfigjson", pullSecret("pull", corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey, reg.DockerConfigJSON())},
		{"dockercfg", pullSecret("legacy", corev1.SecretTypeDockercfg, corev1.DockerConfigKey, cfg.Auths)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kc, err := registry.KeychainFromPullSecrets(t.Context(), []corev1.Secret{tt.secret})
			if err != nil {
				t.Fatal(err)
			}
			r := registry.New(registry.Options{Keychain: authn.NewMultiKeychain(kc, authn.NewMultiKeychain())})
			got, err := r.Resolve(t.Context(), []string{image})
			checkResolved(t, got, err, expect{digests: map[string]string{image: d}})
		})
	}
}

func TestKeychainFromPullSecretsNamesABadSecret(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"malformed", `{"auths": {"r.example": {"password": ` + password,
			"reading image pull secret shop/broken: .dockerconfigjson: malformed JSON at byte 38"},
		{"wrong type", `{"auths": {"r.example": ["` + password + `"]}}`,
			"reading image pull secret shop/broken: .dockerconfigjson: unexpected JSON array at Auths"},
		{"bad auth field", `{"auths": {"r.example": {"auth": "` + password + `"}}}`,
			"reading image pull secret shop/broken: .dockerconfigjson: unable to decode auth field: illegal base64 data at input byte 4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secrets := []corev1.Secret{
				pullSecret("other", corev1.SecretTypeOpaque, "password", []byte(password)),
				pullSecret("broken", corev1.SecretTypeDockerConfigJson, corev1.DockerConfigJsonKey, []byte(tt.data)),
			}
			_, err := registry.KeychainFromPullSecrets(t.Context(), secrets)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
