package cmd

import (
	"context"

	"github.com/spf13/cobra"

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

// resolve looks the images up in their registries, each once, with the
// credentials of the Docker config and its credential helpers.
func (o *registryOptions) resolve(ctx context.Context, images []string) (map[string]string, error) {
	if len(images) == 0 {
		return map[string]string{}, nil
	}
	r := registry.New(registry.Options{InsecureRegistries: o.InsecureRegistries, Concurrency: o.Concurrency})
	return r.Resolve(ctx, images)
}
