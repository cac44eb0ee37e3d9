// Package plugin reads the world: it lists a cluster's pods and controllers
// and turns them into the entries and observations of package lockfile. It
// lists, never gets objects one by one; pages through large lists; asks for
// protobuf; and keeps compact records rather than API objects.
package plugin
