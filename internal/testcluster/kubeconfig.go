package testcluster

import (
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// Names of the identities that a cluster knows, each with a bearer token in
// the apiserver's token file.
const (
	// AdminUser is in system:masters: it may do anything.
	AdminUser = "drift-admin"
	// UnprivilegedUser is authenticated but in no group beyond
	// system:authenticated and holds no RBAC rights; tests grant what they need.
	UnprivilegedUser = "drift-user"
	// NodeName is the hollow node that runs pods when Options.Controllers is set.
	NodeName = "hollow-1"
)

type identity struct {
	user, token string
	groups      []string
}

// tokenFileLine is one row of --token-auth-file: token,user,uid[,"groups"].
func (id identity) tokenFileLine() string {
	line := fmt.Sprintf("%s,%s,%s", id.token, id.user, id.user)
	if len(id.groups) > 0 {
		line += fmt.Sprintf(",%q", strings.Join(id.groups, ","))
	}
	return line + "\n"
}

// writeKubeconfig writes a kubeconfig whose one context talks to server as id,
// trusting caPEM, in the "default" namespace.
func writeKubeconfig(path, server string, caPEM []byte, id identity) error {
	const tmpl = `apiVersion: v1
kind: Config
clusters:
- name: drift-test
  cluster:
    server: %s
    certificate-authority-data: %s
users:
- name: %s
  user:
    token: %s
contexts:
- name: drift-test
  context:
    cluster: drift-test
    user: %s
    namespace: default
current-context: drift-test
`
	data := fmt.Sprintf(tmpl, server, base64.StdEncoding.EncodeToString(caPEM), id.user, id.token, id.user)
	return os.WriteFile(path, []byte(data), 0o600)
}
