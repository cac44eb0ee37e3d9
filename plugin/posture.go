package plugin

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"

	"github.com/kubectl-drift/kubectl-drift/lockfile"
)

// Kubernetes' documented defaults for unset fields, so that "unset" and the
// explicit default never differ.
const (
	defaultServiceAccount = "default"
	defaultProcMount      = string(corev1.DefaultProcMount)
	seccompUnconfined     = string(corev1.SeccompProfileTypeUnconfined)
	appArmorRuntime       = string(corev1.AppArmorProfileTypeRuntimeDefault)
	appArmorAnnotation    = "container.apparmor.security.beta.kubernetes.io/"
)

// PodPosture returns the pod-level settings that breach isolation or grant
// identity, defaults filled in.
func PodPosture(spec *corev1.PodSpec) lockfile.PodPosture {
	p := lockfile.PodPosture{
		HostNetwork:                  spec.HostNetwork,
		HostPID:                      spec.HostPID,
		HostIPC:                      spec.HostIPC,
		HostUsers:                    boolOr(spec.HostUsers, true),
		ShareProcessNamespace:        boolOr(spec.ShareProcessNamespace, false),
		ServiceAccountName:           cmpOr(spec.ServiceAccountName, spec.DeprecatedServiceAccount, defaultServiceAccount),
		AutomountServiceAccountToken: boolOr(spec.AutomountServiceAccountToken, true),
	}
	if spec.RuntimeClassName != nil {
		p.RuntimeClassName = *spec.RuntimeClassName
	}
	if sc := spec.SecurityContext; sc != nil {
		for _, s := range sc.Sysctls {
			p.Sysctls = append(p.Sysctls, s.Name+"="+s.Value)
		}
		slices.Sort(p.Sysctls)
	}
	return p
}

// ContainerPosture returns a container's effective security context:
// container settings over pod settings, Kubernetes' defaults where neither
// says, and the legacy AppArmor annotation where the container field is unset.
func ContainerPosture(spec *corev1.PodSpec, annotations map[string]string, c *corev1.Container) lockfile.SecurityContext {
	pod := spec.SecurityContext
	if pod == nil {
		pod = &corev1.PodSecurityContext{}
	}
	sc := c.SecurityContext
	if sc == nil {
		sc = &corev1.SecurityContext{}
	}
	out := lockfile.SecurityContext{
		Privileged:             boolOr(sc.Privileged, false),
		ReadOnlyRootFilesystem: boolOr(sc.ReadOnlyRootFilesystem, false),
		RunAsNonRoot:           boolOr(firstPtr(sc.RunAsNonRoot, pod.RunAsNonRoot), false),
		RunAsUser:              firstPtr(sc.RunAsUser, pod.RunAsUser),
		RunAsGroup:             firstPtr(sc.RunAsGroup, pod.RunAsGroup),
		ProcMount:              defaultProcMount,
		SeccompProfile:         lockfile.Profile{Type: seccompUnconfined},
		AppArmorProfile:        lockfile.Profile{Type: appArmorRuntime},
	}
	// Privilege escalation is always allowed to a privileged container or one
	// with CAP_SYS_ADMIN, and by default to every other.
	out.AllowPrivilegeEscalation = boolOr(sc.AllowPrivilegeEscalation, true) || out.Privileged
	if sc.Capabilities != nil {
		out.Capabilities.Add = normalizeCaps(sc.Capabilities.Add)
		out.Capabilities.Drop = normalizeCaps(sc.Capabilities.Drop)
		if slices.Contains(out.Capabilities.Add, "SYS_ADMIN") {
			out.AllowPrivilegeEscalation = true
		}
	}
	if sc.ProcMount != nil && *sc.ProcMount != "" {
		out.ProcMount = string(*sc.ProcMount)
	}
	if p := firstPtr(sc.SeccompProfile, pod.SeccompProfile); p != nil {
		out.SeccompProfile = lockfile.Profile{Type: string(p.Type), LocalhostProfile: deref(p.LocalhostProfile)}
	}
	// The kubelet's order: the container's field, the legacy annotation, the pod's field.
	if a, ok := annotations[appArmorAnnotation+c.Name]; ok && sc.AppArmorProfile == nil {
		out.AppArmorProfile = appArmorFromAnnotation(a)
	} else if p := firstPtr(sc.AppArmorProfile, pod.AppArmorProfile); p != nil {
		out.AppArmorProfile = lockfile.Profile{Type: string(p.Type), LocalhostProfile: deref(p.LocalhostProfile)}
	}
	if se := firstPtr(sc.SELinuxOptions, pod.SELinuxOptions); se != nil && *se != (corev1.SELinuxOptions{}) {
		out.SELinuxOptions = &lockfile.SELinuxOptions{User: se.User, Role: se.Role, Type: se.Type, Level: se.Level}
	}
	// The kubelet merges windowsOptions field by field: a container that sets
	// only runAsUserName still inherits the pod's hostProcess.
	out.WindowsHostProcess = boolOr(firstPtr(hostProcess(sc.WindowsOptions), hostProcess(pod.WindowsOptions)), false)
	return out
}

func hostProcess(w *corev1.WindowsSecurityContextOptions) *bool {
	if w == nil {
		return nil
	}
	return w.HostProcess
}

func appArmorFromAnnotation(v string) lockfile.Profile {
	switch {
	case v == "runtime/default":
		return lockfile.Profile{Type: appArmorRuntime}
	case v == "unconfined":
		return lockfile.Profile{Type: string(corev1.AppArmorProfileTypeUnconfined)}
	case strings.HasPrefix(v, "localhost/"):
		return lockfile.Profile{Type: string(corev1.AppArmorProfileTypeLocalhost), LocalhostProfile: strings.TrimPrefix(v, "localhost/")}
	default:
		return lockfile.Profile{Type: v}
	}
}

// normalizeCaps upper-cases capability names and drops the CAP_ prefix, which
// runtimes add anyway, then sorts and deduplicates them.
func normalizeCaps(caps []corev1.Capability) []string {
	var out []string
	for _, c := range caps {
		name := strings.TrimPrefix(strings.ToUpper(strings.TrimSpace(string(c))), "CAP_")
		if name != "" {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// EntrypointHash is a sha256 of a container's command and args, so a swapped
// command is drift while its text, which can hold secrets, is never recorded.
// Unset and empty lists hash the same.
func EntrypointHash(command, args []string) string {
	data, _ := json.Marshal(struct {
		Command []string `json:"command"`
		Args    []string `json:"args"`
	}{nonNil(command), nonNil(args)})
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// HostPaths lists the host paths a container mounts, with ":ro" for
// read-only mounts, sorted.
func HostPaths(spec *corev1.PodSpec, c *corev1.Container) []string {
	hostPath := map[string]string{}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			hostPath[v.Name] = v.HostPath.Path
		}
	}
	var out []string
	for _, m := range c.VolumeMounts {
		p, ok := hostPath[m.Name]
		if !ok {
			continue
		}
		if m.SubPath != "" {
			p = strings.TrimSuffix(p, "/") + "/" + m.SubPath
		}
		if m.ReadOnly {
			p += ":ro"
		}
		out = append(out, p)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// HostPorts lists the host ports a container binds, as "port/PROTOCOL" or
// "ip:port/PROTOCOL", sorted.
func HostPorts(c *corev1.Container) []string {
	var out []string
	for _, p := range c.Ports {
		if p.HostPort == 0 {
			continue
		}
		proto := cmpOr(string(p.Protocol), string(corev1.ProtocolTCP))
		s := fmt.Sprintf("%d/%s", p.HostPort, proto)
		if p.HostIP != "" {
			s = p.HostIP + ":" + s
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func boolOr(p *bool, def bool) bool {
	if p == nil {
		return def
	}
	return *p
}

func firstPtr[T any](ps ...*T) *T {
	for _, p := range ps {
		if p != nil {
			return p
		}
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func cmpOr(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
