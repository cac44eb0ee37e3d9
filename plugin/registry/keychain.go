package registry

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/google/go-containerregistry/pkg/authn"
	k8schain "github.com/google/go-containerregistry/pkg/authn/kubernetes"
	corev1 "k8s.io/api/core/v1"
)

// KeychainFromPullSecrets reads the credentials of a workload's
// imagePullSecrets (kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg
// Secrets), so images resolve with the access the kubelet has. Combine it
// with the default keychain:
//
//	authn.NewMultiKeychain(kc, authn.DefaultKeychain)
//
// Secrets of other types are ignored. An error names the Secret, never its
// content.
func KeychainFromPullSecrets(ctx context.Context, secrets []corev1.Secret) (authn.Keychain, error) {
	for _, s := range secrets {
		if err := checkPullSecret(s); err != nil {
			return nil, fmt.Errorf("reading image pull secret %s/%s: %w", s.Namespace, s.Name, err)
		}
	}
	kc, err := k8schain.NewFromPullSecrets(ctx, secrets)
	if err != nil {
		return nil, fmt.Errorf("reading image pull secrets: %w", err)
	}
	return kc, nil
}

// checkPullSecret decodes a pull secret as NewFromPullSecrets will, to report
// a malformed one by position and field: the decoder's own messages quote
// the character where decoding stopped, which may belong to a password.
func checkPullSecret(s corev1.Secret) error {
	var target any
	var key string
	switch s.Type {
	case corev1.SecretTypeDockerConfigJson:
		key, target = corev1.DockerConfigJsonKey, &struct{ Auths map[string]authn.AuthConfig }{}
	case corev1.SecretTypeDockercfg:
		key, target = corev1.DockerConfigKey, &map[string]authn.AuthConfig{}
	default:
		return nil
	}
	b := s.Data[key]
	if len(b) == 0 {
		return nil
	}
	err := json.Unmarshal(b, target)
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case err == nil:
		return nil
	case errors.As(err, &syntax):
		return fmt.Errorf("%s: malformed JSON at byte %d", key, syntax.Offset)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: unexpected JSON %s at %s", key, typ.Value, typ.Field)
	}
	return fmt.Errorf("%s: %w", key, err)
}
