package lockfile

// APIVersion and Kind identify a lockfile document; any other value is refused.
const (
	APIVersion = "kubectl-drift.dev/v1alpha1"
	Kind       = "DriftLock"
)

// Lockfile is the approved baseline: the workloads of a scope, their images
// and their effective security posture.
type Lockfile struct {
	APIVersion string     `yaml:"apiVersion" json:"apiVersion"`
	Kind       string     `yaml:"kind" json:"kind"`
	Cluster    *Cluster   `yaml:"cluster,omitempty" json:"cluster,omitempty"`
	Scope      []Scope    `yaml:"scope" json:"scope"`
	Workloads  []Workload `yaml:"workloads" json:"workloads"`
}

// Cluster records where a lockfile was made, so check can warn when it runs
// against another cluster. UID is the kube-system namespace UID, left out when
// it could not be read.
type Cluster struct {
	Server string `yaml:"server,omitempty" json:"server,omitempty"`
	UID    string `yaml:"uid,omitempty" json:"uid,omitempty"`
}

// Scope is one namespace (or all of them) and an optional label selector on
// pods and pod templates. A lockfile's scope is the union of its entries,
// because lock merges runs with different scopes into one file.
type Scope struct {
	AllNamespaces bool   `yaml:"allNamespaces,omitempty" json:"allNamespaces,omitempty"`
	Namespace     string `yaml:"namespace,omitempty" json:"namespace,omitempty"`
	Selector      string `yaml:"selector,omitempty" json:"selector,omitempty"`
}

// WorkloadID names a workload: the top-level controller of its pods.
type WorkloadID struct {
	Group     string `yaml:"group,omitempty" json:"group"`
	Kind      string `yaml:"kind" json:"kind"`
	Namespace string `yaml:"namespace" json:"namespace"`
	Name      string `yaml:"name" json:"name"`
}

// Workload is the approved state of one workload.
type Workload struct {
	WorkloadID `yaml:",inline"`
	Pod        PodPosture  `yaml:"pod"`
	Containers []Container `yaml:"containers"`
}

// PodPosture holds the pod-level settings that breach isolation or grant
// identity. Every field is recorded with Kubernetes' default filled in, so an
// unset field and its explicit default compare equal.
type PodPosture struct {
	HostNetwork                  bool     `yaml:"hostNetwork"`
	HostPID                      bool     `yaml:"hostPID"`
	HostIPC                      bool     `yaml:"hostIPC"`
	HostUsers                    bool     `yaml:"hostUsers"`
	ShareProcessNamespace        bool     `yaml:"shareProcessNamespace"`
	ServiceAccountName           string   `yaml:"serviceAccountName"`
	AutomountServiceAccountToken bool     `yaml:"automountServiceAccountToken"`
	RuntimeClassName             string   `yaml:"runtimeClassName,omitempty"`
	Sysctls                      []string `yaml:"sysctls,omitempty"`
}

// Container is the approved state of one init or regular container.
type Container struct {
	Name string `yaml:"name"`
	Init bool   `yaml:"init,omitempty"`
	// Ephemeral marks a debug container seen live; a lockfile never holds one.
	Ephemeral bool `yaml:"ephemeral,omitempty"`
	// Image is the reference as written in the pod template.
	Image string `yaml:"image"`
	// Digest is the registry manifest digest of what runs (sha256:<hex>).
	Digest string `yaml:"digest,omitempty"`
	// ImageID is an image config ID, reported by runtimes that do not know
	// the registry digest; it is only ever compared with another ImageID.
	ImageID string `yaml:"imageID,omitempty"`
	// Entrypoint is a sha256 of command and args; their text can hold secrets.
	Entrypoint      string          `yaml:"entrypoint"`
	SecurityContext SecurityContext `yaml:"securityContext"`
	HostPaths       []string        `yaml:"hostPaths,omitempty"`
	HostPorts       []string        `yaml:"hostPorts,omitempty"`
}

// SecurityContext is a container's effective security posture: container
// settings over pod settings, defaults filled in.
type SecurityContext struct {
	Privileged               bool            `yaml:"privileged"`
	AllowPrivilegeEscalation bool            `yaml:"allowPrivilegeEscalation"`
	ReadOnlyRootFilesystem   bool            `yaml:"readOnlyRootFilesystem"`
	RunAsNonRoot             bool            `yaml:"runAsNonRoot"`
	RunAsUser                *int64          `yaml:"runAsUser,omitempty"`
	RunAsGroup               *int64          `yaml:"runAsGroup,omitempty"`
	Capabilities             Capabilities    `yaml:"capabilities,omitempty"`
	ProcMount                string          `yaml:"procMount"`
	SeccompProfile           Profile         `yaml:"seccompProfile"`
	AppArmorProfile          Profile         `yaml:"appArmorProfile"`
	SELinuxOptions           *SELinuxOptions `yaml:"seLinuxOptions,omitempty"`
	WindowsHostProcess       bool            `yaml:"windowsHostProcess,omitempty"`
}

// Capabilities are sorted, upper case, without the CAP_ prefix.
type Capabilities struct {
	Add  []string `yaml:"add,omitempty"`
	Drop []string `yaml:"drop,omitempty"`
}

// Profile is a seccomp or AppArmor profile.
type Profile struct {
	Type             string `yaml:"type"`
	LocalhostProfile string `yaml:"localhostProfile,omitempty"`
}

// SELinuxOptions are the SELinux labels applied to a container.
type SELinuxOptions struct {
	User  string `yaml:"user,omitempty"`
	Role  string `yaml:"role,omitempty"`
	Type  string `yaml:"type,omitempty"`
	Level string `yaml:"level,omitempty"`
}
