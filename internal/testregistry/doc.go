// Package testregistry runs a real OCI distribution registry on loopback for
// tests and benchmarks: go-containerregistry's in-memory registry behind an
// httptest server on 127.0.0.1, with optional basic auth, added latency and
// injected faults, so that image resolution is exercised over real HTTP.
//
//	reg := testregistry.Start(t, testregistry.Options{})
//	digest := reg.PushRandom(t, "shop/web:1.0")
//	image := reg.Host() + "/shop/web:1.0" // plain HTTP: loopback
//
// Images are pushed through a second, private listener that shares the same
// storage, so pushes never meet the auth, latency or faults of the public one
// and are not counted by Requests. The plugin binary, run as a separate
// process by the end-to-end suite, reaches the public listener over loopback
// HTTP like any other registry.
package testregistry
