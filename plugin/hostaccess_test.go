package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

func TestEntrypointHash(t *testing.T) {
	// The documented form: sha256 over {"command":[...],"args":[...]}, unset lists as [].
	known := func(doc string) string {
		sum := sha256.Sum256([]byte(doc))
		return "sha256:" + hex.EncodeToString(sum[:])
	}
	tests := []struct {
		name          string
		command, args []string
		want          string
	}{
		{"nil", nil, nil, known(`{"command":[],"args":[]}`)},
		{"empty", []string{}, []string{}, known(`{"command":[],"args":[]}`)},
		{"nil command empty args", nil, []string{}, known(`{"command":[],"args":[]}`)},
		{"command and args", []string{"nginx", "-g"}, []string{"daemon off;"}, known(`{"command":["nginx","-g"],"args":["daemon off;"]}`)},
		{"command only", []string{"a"}, nil, known(`{"command":["a"],"args":[]}`)},
		{"args only", nil, []string{"a"}, known(`{"command":[],"args":["a"]}`)},
		{"quotes escaped", []string{`sh`, `-c`}, []string{`echo "hi"`}, known(`{"command":["sh","-c"],"args":["echo \"hi\""]}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := EntrypointHash(tt.command, tt.args)
			if got != tt.want {
				t.Errorf("EntrypointHash(%q, %q) = %s, want %s", tt.command, tt.args, got, tt.want)
			}
			if !lockfile.IsSHA256(got) {
				t.Errorf("EntrypointHash(%q, %q) = %s, not a sha256 digest", tt.command, tt.args, got)
			}
		})
	}
}

func TestEntrypointHashDistinguishes(t *testing.T) {
	tests := []struct {
		name   string
		c1, a1 []string
		c2, a2 []string
	}{
		{"command versus args", []string{"a"}, []string{}, []string{}, []string{"a"}},
		{"split versus joined", []string{"a", "b"}, nil, []string{"a b"}, nil},
		{"order", nil, []string{"-x", "-y"}, nil, []string{"-y", "-x"}},
		{"moved across the boundary", []string{"sh"}, []string{"-c", "x"}, []string{"sh", "-c"}, []string{"x"}},
		{"empty string versus nothing", []string{""}, nil, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if EntrypointHash(tt.c1, tt.a1) == EntrypointHash(tt.c2, tt.a2) {
				t.Errorf("command %q args %q and command %q args %q hash the same", tt.c1, tt.a1, tt.c2, tt.a2)
			}
		})
	}
}

func TestHostPaths(t *testing.T) {
	volumes := []corev1.Volume{
		{Name: "logs", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/var/log"}}},
		{Name: "etc", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/etc/"}}},
		{Name: "sock", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/run/containerd/containerd.sock"}}},
		{Name: "unmounted", VolumeSource: corev1.VolumeSource{HostPath: &corev1.HostPathVolumeSource{Path: "/"}}},
		{Name: "scratch", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{}}},
	}
	tests := []struct {
		name   string
		mounts []corev1.VolumeMount
		want   []string
	}{
		{"no mounts", nil, nil},
		{"only other volumes", []corev1.VolumeMount{{Name: "scratch", MountPath: "/tmp"}}, nil},
		{"mount of an undeclared volume", []corev1.VolumeMount{{Name: "missing", MountPath: "/x"}}, nil},
		{"read-write", []corev1.VolumeMount{{Name: "logs", MountPath: "/logs"}}, []string{"/var/log"}},
		{"read-only", []corev1.VolumeMount{{Name: "sock", MountPath: "/sock", ReadOnly: true}},
			[]string{"/run/containerd/containerd.sock:ro"}},
		{"subPath joined once", []corev1.VolumeMount{{Name: "etc", MountPath: "/ssl", SubPath: "ssl/certs", ReadOnly: true}},
			[]string{"/etc/ssl/certs:ro"}},
		{"sorted and deduplicated", []corev1.VolumeMount{
			{Name: "scratch", MountPath: "/tmp"},
			{Name: "logs", MountPath: "/a"},
			{Name: "etc", MountPath: "/b", SubPath: "passwd"},
			{Name: "logs", MountPath: "/c"},
			{Name: "logs", MountPath: "/d", ReadOnly: true},
		}, []string{"/etc/passwd", "/var/log", "/var/log:ro"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := corev1.Container{Name: "app", VolumeMounts: tt.mounts}
			got := HostPaths(&corev1.PodSpec{Volumes: volumes, Containers: []corev1.Container{c}}, &c)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HostPaths() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHostPorts(t *testing.T) {
	tests := []struct {
		name  string
		ports []corev1.ContainerPort
		want  []string
	}{
		{"no ports", nil, nil},
		{"container port only", []corev1.ContainerPort{{ContainerPort: 80}}, nil},
		{"protocol defaults to TCP", []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080}}, []string{"8080/TCP"}},
		{"explicit TCP equals default", []corev1.ContainerPort{{ContainerPort: 80, HostPort: 8080, Protocol: corev1.ProtocolTCP}},
			[]string{"8080/TCP"}},
		{"host IP and protocol", []corev1.ContainerPort{{ContainerPort: 53, HostPort: 53, HostIP: "10.0.0.1", Protocol: corev1.ProtocolUDP}},
			[]string{"10.0.0.1:53/UDP"}},
		{"sorted and deduplicated", []corev1.ContainerPort{
			{ContainerPort: 9000, HostPort: 9000, Protocol: corev1.ProtocolSCTP},
			{ContainerPort: 80, HostPort: 8080},
			{ContainerPort: 81, HostPort: 8080, Protocol: corev1.ProtocolTCP},
			{ContainerPort: 53, HostPort: 53, HostIP: "10.0.0.1", Protocol: corev1.ProtocolUDP},
			{ContainerPort: 443},
		}, []string{"10.0.0.1:53/UDP", "8080/TCP", "9000/SCTP"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HostPorts(&corev1.Container{Ports: tt.ports}); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HostPorts() = %q, want %q", got, tt.want)
			}
		})
	}
}
