package cmd

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/google/go-containerregistry/pkg/authn"
	"github.com/spf13/cobra"
	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-drift/kubectl-drift/plugin"
	"github.com/kubectl-drift/kubectl-drift/plugin/registry"
)

// defaultRegistryConcurrency bounds the registry lookups in flight.
const defaultRegistryConcurrency = 8

// registryOptions are the flags of registry lookups.
type registryOptions struct {
	InsecureRegistries []string
	Concurrency        int
}

func (o *registryOptions) addFlags(c *cobra.Command) {
	c.Flags().StringSliceVar(&o.InsecureRegistries, "insecure-registry", nil,
		"Registry host[:port] to reach over plain HTTP (loopback registries always are)")
	c.Flags().IntVar(&o.Concurrency, "concurrency", defaultRegistryConcurrency, "Registry lookups in flight at once")
}

func (o *registryOptions) validate() error {
	if o.Concurrency < 1 {
		return failf("invalid --concurrency %d: must be at least 1", o.Concurrency)
	}
	return nil
}

func (o *registryOptions) resolver(keychain authn.Keychain) *registry.Resolver {
	return registry.New(registry.Options{Keychain: keychain, InsecureRegistries: o.InsecureRegistries, Concurrency: o.Concurrency})
}

// resolve looks the images up in their registries, each once, with the
// credentials of the Docker config and its credential helpers.
func (o *registryOptions) resolve(ctx context.Context, images []string) (map[string]string, error) {
	if len(images) == 0 {
		return map[string]string{}, nil
	}
	return o.resolver(nil).Resolve(ctx, images)
}

// resolveInCluster looks up what no pod of the workloads reports, each
// workload with the credentials its pods pull with (its imagePullSecrets and
// its ServiceAccount's) before those of the Docker config. A namespace whose
// credentials cannot be read falls back to the Docker config, with a
// warning: a registry that needs them then refuses, and lock fails.
func (o *registryOptions) resolveInCluster(ctx context.Context, cl *cluster, workloads []plugin.Workload, warn func(string, ...any)) (map[string]string, error) {
	type group struct {
		secrets []corev1.Secret
		images  []string
	}
	groups := map[string]*group{}
	creds := map[string]*plugin.PullCredentials{}
	col := plugin.Collector{Client: cl.client, PageSize: plugin.DefaultPageSize}
	for _, w := range workloads {
		images := plugin.ImagesToResolve([]plugin.Workload{w})
		if len(images) == 0 {
			continue
		}
		ns := w.Template.Namespace
		pc, read := creds[ns]
		if !read {
			var err error
			if pc, err = col.ReadPullCredentials(ctx, ns); err != nil {
				warn("cannot read the image pull credentials of namespace %s (%v); using the Docker config's only", ns, err)
			}
			creds[ns] = pc
		}
		secrets := pc.SecretsFor(w)
		names := make([]string, len(secrets))
		for i, s := range secrets {
			names[i] = s.Name
		}
		key := ns + "/" + strings.Join(names, ",")
		if groups[key] == nil {
			groups[key] = &group{secrets: secrets}
		}
		groups[key].images = append(groups[key].images, images...)
	}
	resolved := map[string]string{}
	var errs []error
	for _, key := range slices.Sorted(maps.Keys(groups)) {
		g := groups[key]
		var keychain authn.Keychain = authn.DefaultKeychain
		if len(g.secrets) > 0 {
			fromSecrets, err := registry.KeychainFromPullSecrets(ctx, g.secrets)
			if err != nil {
				errs = append(errs, fmt.Errorf("reading image pull secrets in namespace %s: %w", strings.SplitN(key, "/", 2)[0], err))
				continue
			}
			keychain = authn.NewMultiKeychain(fromSecrets, authn.DefaultKeychain)
		}
		digests, err := o.resolver(keychain).Resolve(ctx, g.images)
		if err != nil {
			errs = append(errs, err)
		}
		for image, d := range digests {
			resolved[image] = d
		}
	}
	return resolved, errors.Join(errs...)
}
