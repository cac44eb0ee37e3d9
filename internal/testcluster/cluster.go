package testcluster

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options say which parts of a cluster to run and where to keep its files.
type Options struct {
	// Controllers also runs kube-controller-manager, kube-scheduler and one
	// hollow node (kubemark --morph=kubelet) so Deployments roll out to
	// Running pods. The controller-manager runs without the
	// pod-garbage-collector controller: a pod bound to a node that has no
	// kubelet (spec.nodeName "ghost") keeps the status a test writes for it.
	//
	// Without Controllers, only etcd and kube-apiserver run, and the
	// ServiceAccount admission plugin is off, so pods can be created in any
	// namespace although no controller makes ServiceAccounts; nothing
	// schedules, runs or garbage-collects them.
	Controllers bool

	// Dir holds certificates, etcd data, logs and kubeconfigs. When empty, a
	// fresh temporary directory is made and removed by Stop.
	Dir string

	// StartTimeout bounds Start when its context has no deadline; two minutes
	// if zero.
	StartTimeout time.Duration
}

// Cluster is a running control plane. Its zero value is not usable: call
// Start or StartForTest.
type Cluster struct {
	// Server is the apiserver's URL, https://127.0.0.1:PORT.
	Server string
	// AdminKubeconfig is the path of a kubeconfig for AdminUser (system:masters).
	AdminKubeconfig string
	// UserKubeconfig is the path of a kubeconfig for UnprivilegedUser, who
	// holds no RBAC rights until a test grants some.
	UserKubeconfig string
	// CAFile is the PEM file of the CA that signed the apiserver's certificate.
	CAFile string
	// AdminToken and UserToken are the bearer tokens in those kubeconfigs.
	AdminToken, UserToken string
	// EtcdURL is etcd's client URL, http://127.0.0.1:PORT.
	EtcdURL string
	// BinDir holds the programs the cluster runs (see BinDir).
	BinDir string
	// Dir holds the cluster's files; logs are in Dir/logs/<program>.log.
	Dir string

	caPEM     []byte
	removeDir bool

	mu       sync.Mutex
	procs    []*process
	stopping bool
	stopOnce sync.Once
}

// Start runs a control plane on free loopback ports and returns once the
// apiserver's /readyz passes and, with Options.Controllers, once the hollow
// node is Ready and untainted and the "default" ServiceAccount exists in the
// "default" namespace. On failure it stops whatever it started, and the error
// ends with the log tail of the program that failed.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	binDir, err := BinDir()
	if err != nil {
		return nil, err
	}
	if _, ok := ctx.Deadline(); !ok {
		timeout := opts.StartTimeout
		if timeout == 0 {
			timeout = 2 * time.Minute
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}

	dir, removeDir := opts.Dir, false
	if dir == "" {
		if dir, err = os.MkdirTemp("", "drift-cluster-"); err != nil {
			return nil, err
		}
		removeDir = true
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	// A port found free can be taken by another process before the program
	// that was given it binds it; start afresh on new ports if that happens.
	for attempt := 1; ; attempt++ {
		c := &Cluster{BinDir: binDir, Dir: dir}
		err = c.start(ctx, opts)
		if err == nil {
			c.removeDir = removeDir
			return c, nil
		}
		c.Stop()
		if attempt == 3 || !strings.Contains(err.Error(), "address already in use") || ctx.Err() != nil {
			break
		}
		for _, d := range []string{"etcd", "logs"} {
			_ = os.RemoveAll(filepath.Join(dir, d))
		}
	}
	if removeDir {
		_ = os.RemoveAll(dir)
	}
	return nil, err
}

func (c *Cluster) start(ctx context.Context, opts Options) error {
	for _, d := range []string{"logs", "etcd"} {
		if err := os.MkdirAll(filepath.Join(c.Dir, d), 0o700); err != nil {
			return err
		}
	}
	certs, err := writePKI(filepath.Join(c.Dir, "pki"))
	if err != nil {
		return err
	}
	c.CAFile, c.caPEM = certs.caFile, certs.caPEM

	ports, err := freePorts(3)
	if err != nil {
		return err
	}
	etcdPort, peerPort, apiPort := ports[0], ports[1], ports[2]
	c.EtcdURL = "http://127.0.0.1:" + strconv.Itoa(etcdPort)
	c.Server = "https://127.0.0.1:" + strconv.Itoa(apiPort)

	admin := identity{user: AdminUser, token: newToken(), groups: []string{"system:masters"}}
	user := identity{user: UnprivilegedUser, token: newToken()}
	node := identity{user: "system:node:" + NodeName, token: newToken(), groups: []string{"system:nodes"}}
	c.AdminToken, c.UserToken = admin.token, user.token
	tokenFile := filepath.Join(c.Dir, "pki", "tokens.csv")
	tokens := admin.tokenFileLine() + user.tokenFileLine() + node.tokenFileLine()
	if err := os.WriteFile(tokenFile, []byte(tokens), 0o600); err != nil {
		return err
	}
	c.AdminKubeconfig = filepath.Join(c.Dir, "admin.kubeconfig")
	c.UserKubeconfig = filepath.Join(c.Dir, "user.kubeconfig")
	nodeKubeconfig := filepath.Join(c.Dir, "node.kubeconfig")
	for path, id := range map[string]identity{c.AdminKubeconfig: admin, c.UserKubeconfig: user, nodeKubeconfig: node} {
		if err := writeKubeconfig(path, c.Server, c.caPEM, id); err != nil {
			return err
		}
	}

	peerURL := "http://127.0.0.1:" + strconv.Itoa(peerPort)
	etcd, err := c.run("etcd",
		"--name=default",
		"--data-dir="+filepath.Join(c.Dir, "etcd"),
		"--listen-client-urls="+c.EtcdURL,
		"--advertise-client-urls="+c.EtcdURL,
		"--listen-peer-urls="+peerURL,
		"--initial-advertise-peer-urls="+peerURL,
		"--initial-cluster=default="+peerURL,
		"--initial-cluster-state=new",
		// Throwaway data: durability only slows the tests down.
		"--unsafe-no-fsync=true",
		// A single member elects itself after one election timeout (1s by
		// default); nothing else can contend, so make it short.
		"--heartbeat-interval=10",
		"--election-timeout=100",
	)
	if err != nil {
		return err
	}
	if err := c.waitFor(ctx, etcd, "etcd health", c.etcdHealthy); err != nil {
		return err
	}

	apiArgs := []string{
		"--etcd-servers=" + c.EtcdURL,
		"--bind-address=127.0.0.1",
		"--advertise-address=127.0.0.1",
		"--secure-port=" + strconv.Itoa(apiPort),
		"--tls-cert-file=" + certs.certFile,
		"--tls-private-key-file=" + certs.keyFile,
		"--token-auth-file=" + tokenFile,
		"--authorization-mode=Node,RBAC",
		"--service-account-issuer=https://kubernetes.default.svc.cluster.local",
		"--service-account-key-file=" + certs.saPubFile,
		"--service-account-signing-key-file=" + certs.saKeyFile,
		"--service-cluster-ip-range=10.0.0.0/24",
		// A loopback advertise address is refused by the default reconciler.
		"--endpoint-reconciler-type=none",
		"--allow-privileged=true",
	}
	if !opts.Controllers {
		apiArgs = append(apiArgs, "--disable-admission-plugins=ServiceAccount")
	}
	apiserver, err := c.run("kube-apiserver", apiArgs...)
	if err != nil {
		return err
	}
	if err := c.waitFor(ctx, apiserver, "apiserver /readyz", c.apiserverReady); err != nil {
		return err
	}
	if !opts.Controllers {
		return nil
	}

	if _, err := c.run("kube-controller-manager",
		"--kubeconfig="+c.AdminKubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
		// Pods on a node without a kubelet keep the status a test writes.
		"--controllers=*,-pod-garbage-collector-controller",
		"--service-account-private-key-file="+certs.saKeyFile,
		"--root-ca-file="+certs.caFile,
		"--use-service-account-credentials=false",
	); err != nil {
		return err
	}
	if _, err := c.run("kube-scheduler",
		"--kubeconfig="+c.AdminKubeconfig,
		"--leader-elect=false",
		"--secure-port=0",
	); err != nil {
		return err
	}
	removeDeadHollowKubeletFiles() // from test binaries that were killed
	kubeletPort, err := freePorts(1)
	if err != nil {
		return err
	}
	kubemark, err := c.run("kubemark",
		"--morph=kubelet",
		"--name="+NodeName,
		"--kubeconfig="+nodeKubeconfig,
		"--use-host-image-service=false",
		"--max-pods=110",
		"--kubelet-port="+strconv.Itoa(kubeletPort[0]),
		"--kubelet-read-only-port=0",
	)
	if err != nil {
		return err
	}
	if err := c.waitFor(ctx, kubemark, "node "+NodeName+" Ready", c.nodeReady); err != nil {
		return err
	}
	return c.waitFor(ctx, nil, "ServiceAccount default/default", c.defaultServiceAccount)
}

// run starts a program from BinDir, logging to Dir/logs/<name>.log.
func (c *Cluster) run(name string, args ...string) (*process, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.stopping {
		return nil, errStopped
	}
	p, err := startProcess(name, filepath.Join(c.BinDir, name), args, c.LogPath(name))
	if err != nil {
		return nil, err
	}
	c.procs = append(c.procs, p)
	return p, nil
}

// Stop ends every program the cluster started, killing each process group
// that has not exited within a few seconds of SIGTERM, and removes Dir if
// Start made it. It may be called more than once and from several goroutines.
func (c *Cluster) Stop() {
	c.stopOnce.Do(func() {
		c.mu.Lock()
		procs := c.procs
		c.stopping = true
		c.mu.Unlock()

		// etcd goes last, so the others need not fail over a lost store.
		var wg sync.WaitGroup
		for _, p := range procs {
			if p.name != "etcd" {
				wg.Go(p.stop)
			}
		}
		wg.Wait()
		for _, p := range procs {
			p.stop()
		}
		for _, p := range procs {
			if p.name == "kubemark" {
				if root := hollowKubeletRoot(p.logPath); root != "" {
					_ = os.RemoveAll(root)
				}
				removeDeadHollowKubeletFiles()
			}
		}
		if c.removeDir {
			_ = os.RemoveAll(c.Dir)
		}
	})
}

// freePorts returns n distinct loopback ports that were free a moment ago.
// Tests replace it to hand out a port that is taken.
var freePorts = func(n int) ([]int, error) {
	var ports []int
	var listeners []net.Listener
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
