package plugin

import (
	"reflect"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// withSC returns the default security context changed by f.
func withSC(f func(*lockfile.SecurityContext)) lockfile.SecurityContext {
	sc := defaultSC()
	f(&sc)
	return sc
}

func caps(add, drop []corev1.Capability) *corev1.SecurityContext {
	return &corev1.SecurityContext{Capabilities: &corev1.Capabilities{Add: add, Drop: drop}}
}

func TestContainerPosture(t *testing.T) {
	const apparmorKey = "container.apparmor.security.beta.kubernetes.io/app"
	tests := []struct {
		name        string
		pod         *corev1.PodSecurityContext
		container   *corev1.SecurityContext
		annotations map[string]string
		want        lockfile.SecurityContext
	}{
		{name: "nothing set", want: defaultSC()},
		{name: "empty contexts", pod: &corev1.PodSecurityContext{}, container: &corev1.SecurityContext{}, want: defaultSC()},
		{name: "runAsUser from pod", pod: &corev1.PodSecurityContext{RunAsUser: ptr[int64](1000)},
			want: withSC(func(s *lockfile.SecurityContext) { s.RunAsUser = ptr[int64](1000) })},
		{name: "runAsUser container over pod", pod: &corev1.PodSecurityContext{RunAsUser: ptr[int64](1000)},
			container: &corev1.SecurityContext{RunAsUser: ptr[int64](0)},
			want:      withSC(func(s *lockfile.SecurityContext) { s.RunAsUser = ptr[int64](0) })},
		{name: "runAsGroup from pod", pod: &corev1.PodSecurityContext{RunAsGroup: ptr[int64](3000)},
			want: withSC(func(s *lockfile.SecurityContext) { s.RunAsGroup = ptr[int64](3000) })},
		{name: "runAsGroup container over pod", pod: &corev1.PodSecurityContext{RunAsGroup: ptr[int64](3000)},
			container: &corev1.SecurityContext{RunAsGroup: ptr[int64](4000)},
			want:      withSC(func(s *lockfile.SecurityContext) { s.RunAsGroup = ptr[int64](4000) })},
		{name: "runAsNonRoot from pod", pod: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			want: withSC(func(s *lockfile.SecurityContext) { s.RunAsNonRoot = true })},
		{name: "runAsNonRoot container false over pod true", pod: &corev1.PodSecurityContext{RunAsNonRoot: ptr(true)},
			container: &corev1.SecurityContext{RunAsNonRoot: ptr(false)}, want: defaultSC()},
		{name: "seLinuxOptions from pod", pod: &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{Level: "s0:c1,c2"}},
			want: withSC(func(s *lockfile.SecurityContext) { s.SELinuxOptions = &lockfile.SELinuxOptions{Level: "s0:c1,c2"} })},
		{name: "seLinuxOptions container replaces pod whole",
			pod:       &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{Level: "s0:c1,c2"}},
			container: &corev1.SecurityContext{SELinuxOptions: &corev1.SELinuxOptions{User: "u", Role: "r", Type: "spc_t"}},
			want: withSC(func(s *lockfile.SecurityContext) {
				s.SELinuxOptions = &lockfile.SELinuxOptions{User: "u", Role: "r", Type: "spc_t"}
			})},
		{name: "seccomp from pod", pod: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			want: withSC(func(s *lockfile.SecurityContext) { s.SeccompProfile = lockfile.Profile{Type: "RuntimeDefault"} })},
		{name: "seccomp container over pod",
			pod: &corev1.PodSecurityContext{SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault}},
			container: &corev1.SecurityContext{SeccompProfile: &corev1.SeccompProfile{
				Type: corev1.SeccompProfileTypeLocalhost, LocalhostProfile: ptr("profiles/audit.json")}},
			want: withSC(func(s *lockfile.SecurityContext) {
				s.SeccompProfile = lockfile.Profile{Type: "Localhost", LocalhostProfile: "profiles/audit.json"}
			})},
		{name: "appArmor from pod",
			pod: &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeLocalhost, LocalhostProfile: ptr("k8s-nginx")}},
			want: withSC(func(s *lockfile.SecurityContext) {
				s.AppArmorProfile = lockfile.Profile{Type: "Localhost", LocalhostProfile: "k8s-nginx"}
			})},
		{name: "appArmor container over pod",
			pod:       &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}},
			container: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeUnconfined}},
			want:      withSC(func(s *lockfile.SecurityContext) { s.AppArmorProfile = lockfile.Profile{Type: "Unconfined"} })},
		{name: "appArmor annotation runtime/default", annotations: map[string]string{apparmorKey: "runtime/default"}, want: defaultSC()},
		{name: "appArmor annotation unconfined", annotations: map[string]string{apparmorKey: "unconfined"},
			want: withSC(func(s *lockfile.SecurityContext) { s.AppArmorProfile = lockfile.Profile{Type: "Unconfined"} })},
		{name: "appArmor annotation localhost", annotations: map[string]string{apparmorKey: "localhost/k8s-deny-write"},
			want: withSC(func(s *lockfile.SecurityContext) {
				s.AppArmorProfile = lockfile.Profile{Type: "Localhost", LocalhostProfile: "k8s-deny-write"}
			})},
		{name: "appArmor annotation of unknown form kept", annotations: map[string]string{apparmorKey: "complain"},
			want: withSC(func(s *lockfile.SecurityContext) { s.AppArmorProfile = lockfile.Profile{Type: "complain"} })},
		{name: "appArmor annotation of another container ignored",
			annotations: map[string]string{"container.apparmor.security.beta.kubernetes.io/sidecar": "unconfined"}, want: defaultSC()},
		{name: "appArmor container field over annotation", annotations: map[string]string{apparmorKey: "unconfined"},
			container: &corev1.SecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}},
			want:      defaultSC()},
		// The kubelet reads the annotation before the pod-level field.
		{name: "appArmor annotation over pod field", annotations: map[string]string{apparmorKey: "unconfined"},
			pod:  &corev1.PodSecurityContext{AppArmorProfile: &corev1.AppArmorProfile{Type: corev1.AppArmorProfileTypeRuntimeDefault}},
			want: withSC(func(s *lockfile.SecurityContext) { s.AppArmorProfile = lockfile.Profile{Type: "Unconfined"} })},
		{name: "hostProcess from pod", pod: &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr(true)}},
			want: withSC(func(s *lockfile.SecurityContext) { s.WindowsHostProcess = true })},
		{name: "hostProcess container over pod",
			pod:       &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr(true)}},
			container: &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr(false)}},
			want:      defaultSC()},
		// windowsOptions merge field by field: a container user name keeps the pod's hostProcess.
		{name: "hostProcess from pod when container sets other windowsOptions",
			pod:       &corev1.PodSecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{HostProcess: ptr(true)}},
			container: &corev1.SecurityContext{WindowsOptions: &corev1.WindowsSecurityContextOptions{RunAsUserName: ptr(`NT AUTHORITY\SYSTEM`)}},
			want:      withSC(func(s *lockfile.SecurityContext) { s.WindowsHostProcess = true })},
		{name: "privileged implies privilege escalation",
			container: &corev1.SecurityContext{Privileged: ptr(true), AllowPrivilegeEscalation: ptr(false)},
			want:      withSC(func(s *lockfile.SecurityContext) { s.Privileged = true })},
		{name: "allowPrivilegeEscalation false", container: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false)},
			want: withSC(func(s *lockfile.SecurityContext) { s.AllowPrivilegeEscalation = false })},
		{name: "CAP_SYS_ADMIN implies privilege escalation",
			container: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false),
				Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"CAP_SYS_ADMIN"}}},
			want: withSC(func(s *lockfile.SecurityContext) { s.Capabilities.Add = []string{"SYS_ADMIN"} })},
		{name: "lower-case sys_admin implies privilege escalation",
			container: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false),
				Capabilities: &corev1.Capabilities{Add: []corev1.Capability{"sys_admin"}}},
			want: withSC(func(s *lockfile.SecurityContext) { s.Capabilities.Add = []string{"SYS_ADMIN"} })},
		{name: "dropping SYS_ADMIN keeps allowPrivilegeEscalation false",
			container: &corev1.SecurityContext{AllowPrivilegeEscalation: ptr(false),
				Capabilities: &corev1.Capabilities{Drop: []corev1.Capability{"SYS_ADMIN"}}},
			want: withSC(func(s *lockfile.SecurityContext) {
				s.AllowPrivilegeEscalation = false
				s.Capabilities.Drop = []string{"SYS_ADMIN"}
			})},
		{name: "capabilities normalised",
			container: caps([]corev1.Capability{"net_admin", "CAP_NET_ADMIN", " NET_RAW ", "cap_chown", ""},
				[]corev1.Capability{"all", "ALL", "CAP_ALL"}),
			want: withSC(func(s *lockfile.SecurityContext) {
				s.Capabilities = lockfile.Capabilities{Add: []string{"CHOWN", "NET_ADMIN", "NET_RAW"}, Drop: []string{"ALL"}}
			})},
		{name: "readOnlyRootFilesystem", container: &corev1.SecurityContext{ReadOnlyRootFilesystem: ptr(true)},
			want: withSC(func(s *lockfile.SecurityContext) { s.ReadOnlyRootFilesystem = true })},
		{name: "procMount Unmasked", container: &corev1.SecurityContext{ProcMount: ptr(corev1.UnmaskedProcMount)},
			want: withSC(func(s *lockfile.SecurityContext) { s.ProcMount = "Unmasked" })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := corev1.Container{Name: "app", Image: "nginx", SecurityContext: tt.container}
			got := ContainerPosture(&corev1.PodSpec{SecurityContext: tt.pod, Containers: []corev1.Container{c}}, tt.annotations, &c)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ContainerPosture() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

func TestPodPosture(t *testing.T) {
	withPod := func(f func(*lockfile.PodPosture)) lockfile.PodPosture {
		p := defaultPod()
		f(&p)
		return p
	}
	tests := []struct {
		name string
		spec corev1.PodSpec
		want lockfile.PodPosture
	}{
		{"nothing set", corev1.PodSpec{}, defaultPod()},
		{"host namespaces", corev1.PodSpec{HostNetwork: true, HostPID: true, HostIPC: true},
			withPod(func(p *lockfile.PodPosture) { p.HostNetwork, p.HostPID, p.HostIPC = true, true, true })},
		{"user namespace", corev1.PodSpec{HostUsers: ptr(false)}, withPod(func(p *lockfile.PodPosture) { p.HostUsers = false })},
		{"shared process namespace", corev1.PodSpec{ShareProcessNamespace: ptr(true)},
			withPod(func(p *lockfile.PodPosture) { p.ShareProcessNamespace = true })},
		{"service account", corev1.PodSpec{ServiceAccountName: "web"},
			withPod(func(p *lockfile.PodPosture) { p.ServiceAccountName = "web" })},
		{"deprecated service account", corev1.PodSpec{DeprecatedServiceAccount: "legacy"},
			withPod(func(p *lockfile.PodPosture) { p.ServiceAccountName = "legacy" })},
		{"service account name over deprecated", corev1.PodSpec{ServiceAccountName: "web", DeprecatedServiceAccount: "legacy"},
			withPod(func(p *lockfile.PodPosture) { p.ServiceAccountName = "web" })},
		{"no token", corev1.PodSpec{AutomountServiceAccountToken: ptr(false)},
			withPod(func(p *lockfile.PodPosture) { p.AutomountServiceAccountToken = false })},
		{"runtime class", corev1.PodSpec{RuntimeClassName: ptr("gvisor")},
			withPod(func(p *lockfile.PodPosture) { p.RuntimeClassName = "gvisor" })},
		{"sysctls sorted", corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{
			{Name: "net.ipv4.ip_unprivileged_port_start", Value: "0"},
			{Name: "kernel.shm_rmid_forced", Value: "1"},
			{Name: "net.ipv4.ip_local_port_range", Value: "1024 65000"},
		}}}, withPod(func(p *lockfile.PodPosture) {
			p.Sysctls = []string{"kernel.shm_rmid_forced=1", "net.ipv4.ip_local_port_range=1024 65000", "net.ipv4.ip_unprivileged_port_start=0"}
		})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := PodPosture(&tt.spec); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PodPosture() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}
