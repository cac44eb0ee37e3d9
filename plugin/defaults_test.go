package plugin

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"
)

// TestContainerPostureExplicitDefaults checks that every field set to its
// Kubernetes default gives the same posture as leaving it unset, so that
// "unset" and "explicit default" are never drift.
func TestContainerPostureExplicitDefaults(t *testing.T) {
	tests := []struct {
		name        string
		pod         *corev1.PodSecurityContext
		container   *corev1.SecurityContext
		annotations map[string]string
	}{
		{name: "privileged false", container: &corev1.SecurityContext{Privileged: ptr(false)}},
		{name: "allowPrivilegeEscalation true", container: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(true)}},
		{name: "readOnlyRootFilesystem false", container: &corev1.SecurityContext{ReadOnlyRootFilesystem: ptr(false)}},
		{name: "runAsNonRoot false on container", container: &corev1.SecurityContext{RunAsNonRoot: ptr(false)}},
		{name: "runAsNonRoot false on pod", pod: &corev1.PodSecurityContext{RunAsNonRoot: ptr(false)}},
		{name: "procMount Default", container: &corev1.SecurityContext{ProcMount: ptr(corev1.DefaultProcMount)}},
		{name: "procMount empty", container: &corev1.SecurityContext{ProcMount: ptr(corev1.ProcMountType(""))}},
		{name: "seccomp Unconfined on container",
			container: &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}}},
		{name: "seccomp Unconfined on pod",
			pod: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeUnconfined}}},
		{name: "appArmor RuntimeDefault on container",
			container: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}}},
		{name: "appArmor RuntimeDefault on pod",
			pod: &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}}},
		{name: "appArmor runtime/default annotation",
			annotations: map[string]string{"container.apparmor.security.beta.kubernetes.io/app": "runtime/default"}},
		{name: "empty capabilities", container: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{}}},
		{name: "empty capability lists",
			container: &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: []corev1.Capability{}, Drop: []corev1.Capability{}}}},
		{name: "empty seLinuxOptions on container", container: &corev1.SecurityContext{SELinuxOptions: &corev1.SELinuxOptions{}}},
		{name: "empty seLinuxOptions on pod", pod: &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{}}},
		{name: "hostProcess false on container",
			container: &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr(false)}}},
		{name: "hostProcess false on pod",
			pod: &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr(false)}}},
		{name: "empty windowsOptions", container: &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{}}},
		{name: "empty contexts", pod: &corev1.PodSecurityContext{}, container: &corev1.SecurityContext{}},
	}
	unsetC := corev1.Container{Name: "app", Image: "nginx"}
	unset := ContainerPosture(&corev1.PodSpec{Containers: []corev1.Container{unsetC}}, nil, &unsetC)
	if !reflect.DeepEqual(unset, defaultSC()) {
		t.Fatalf("unset posture = %+v, want %+v", unset, defaultSC())
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := corev1.Container{Name: "app", Image: "nginx", SecurityContext: tt.container}
			got := ContainerPosture(&corev1.PodSpec{SecurityContext: tt.pod, Containers: []corev1.Container{c}}, tt.annotations, &c)
			if !reflect.DeepEqual(got, unset) {
				t.Errorf("explicit default gives\n%+v\nunset gives\n%+v", got, unset)
			}
		})
	}
}

func TestPodPostureExplicitDefaults(t *testing.T) {
	tests := []struct {
		name string
		spec corev1.PodSpec
	}{
		{"hostNetwork false", corev1.PodSpec{HostNetwork: false}},
		{"hostUsers true", corev1.PodSpec{HostUsers: ptr(true)}},
		{"shareProcessNamespace false", corev1.PodSpec{ShareProcessNamespace: ptr(false)}},
		{"serviceAccountName default", corev1.PodSpec{ServiceAccountName: "default"}},
		{"deprecated serviceAccount default", corev1.PodSpec{DeprecatedServiceAccount: "default"}},
		{"automountServiceAccountToken true", corev1.PodSpec{AutomountServiceAccountToken: ptr(true)}},
		{"empty runtimeClassName", corev1.PodSpec{RuntimeClassName: ptr("")}},
		{"empty security context", corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{}}},
		{"empty sysctls", corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{}}}},
	}
	unset := PodPosture(&corev1.PodSpec{})
	if !reflect.DeepEqual(unset, defaultPod()) {
		t.Fatalf("unset posture = %+v, want %+v", unset, defaultPod())
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PodPosture(&tt.spec); !reflect.DeepEqual(got, unset) {
				t.Errorf("explicit default gives %+v, unset gives %+v", got, unset)
			}
		})
	}
}
