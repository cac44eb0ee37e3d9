// Package registry turns image references into the manifest digests their
// registries serve now, through the OCI distribution API, so that a tag
// re-pushed since it was locked shows up as drift.
//
// Each distinct reference is looked up once, a few at a time. A reference
// pinned by digest needs no lookup. A tag is asked for with HEAD, which
// registries do not count against pull rate limits, and with GET only where
// HEAD gives no usable digest. A multi-platform tag resolves to its index
// digest, which is what a pod spec pinned by digest names, never to one
// platform's manifest.
//
// Rate limits (429), server errors (5xx) and network errors are retried a
// bounded number of times with exponential backoff; other client errors are
// answers and are not. Every failure is reported, each naming its image, and
// no error ever carries a credential.
package registry
