// Package krew holds the krew plugin manifest of kubectl drift: the template
// it is rendered from for each release (drift.yaml), Render, which fills it
// in with a version and the release archives, and Validate, which applies the
// rules krew and its plugin index apply to a manifest, so a release never
// publishes one that krew would refuse to install.
package krew
