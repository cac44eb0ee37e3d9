#!/usr/bin/env bash
# Builds the programs that the end-to-end tests run: the control plane (etcd,
# kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, kubemark)
# from the Go modules pinned in hack/tools/go.mod, and krew (kubectl-krew, and
# validate-krew-manifest, the check the krew plugin index runs) from
# hack/krew/go.mod, into a cache outside the repository, and prints the
# directory holding them. Nothing but that path goes to stdout, so callers can
# write:
#
#   DRIFT_TOOLS_BIN=$(hack/build-tools.sh)
#
# The cache lives in
#   ${DRIFT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-drift/tools}/<key>/bin
# where <key> hashes both modules' go.mod and go.sum, `go version` and the
# build flags below, so a change to any of them builds afresh and an unchanged
# setup costs nothing. A build goes to a temporary directory that is renamed into
# place only when every program is there: an interrupted build leaves no half
# cache behind.
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tools_dir="${repo_root}/hack/tools"
krew_dir="${repo_root}/hack/krew"

# Program name -> Go package. Order is the order of the build.
programs=(
  "etcd=go.etcd.io/etcd/server/v3"
  "kube-apiserver=k8s.io/kubernetes/cmd/kube-apiserver"
  "kube-controller-manager=k8s.io/kubernetes/cmd/kube-controller-manager"
  "kube-scheduler=k8s.io/kubernetes/cmd/kube-scheduler"
  "kubectl=k8s.io/kubernetes/cmd/kubectl"
  "kubemark=k8s.io/kubernetes/cmd/kubemark"
)
# Built in hack/krew: krew v0.4.3 needs older modules (klog, apimachinery)
# than the control plane, so it has a module of its own. kubectl finds
# kubectl-krew on PATH as `kubectl krew`.
krew_programs=(
  "kubectl-krew=sigs.k8s.io/krew/cmd/krew"
  "validate-krew-manifest=sigs.k8s.io/krew/cmd/validate-krew-manifest"
)

log() { printf 'build-tools: %s\n' "$*" >&2; }

go_bin=${GO:-go}
command -v "${go_bin}" >/dev/null || { log "go not found in PATH"; exit 1; }

# The version that the programs report (kubectl version, node status) is set
# the way Kubernetes' own release build sets it.
kube_version=$(cd "${tools_dir}" && GOWORK=off GOFLAGS=-mod=readonly "${go_bin}" list -m -f '{{.Version}}' k8s.io/kubernetes)
kube_minor=$(echo "${kube_version}" | cut -d. -f2)
ldflags="-s -w"
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  ldflags+=" -X ${pkg}.gitVersion=${kube_version}"
  ldflags+=" -X ${pkg}.gitMajor=1 -X ${pkg}.gitMinor=${kube_minor}"
  ldflags+=" -X ${pkg}.gitTreeState=clean -X ${pkg}.buildDate=1970-01-01T00:00:00Z"
done
build_flags=(-trimpath -tags=notest "-ldflags=${ldflags}")
# krew reports the version it was built from, as its release build does.
krew_version=$(cd "${krew_dir}" && GOWORK=off GOFLAGS=-mod=readonly "${go_bin}" list -m -f '{{.Version}}' sigs.k8s.io/krew)
krew_build_flags=(-trimpath "-ldflags=-s -w -X sigs.k8s.io/krew/internal/version.gitTag=${krew_version}")

key=$(
  {
    cat "${tools_dir}/go.mod" "${tools_dir}/go.sum" "${krew_dir}/go.mod" "${krew_dir}/go.sum"
    (cd "${tools_dir}" && "${go_bin}" version)
    printf '%s\n' "${programs[@]}" "${build_flags[@]}" "${krew_programs[@]}" "${krew_build_flags[@]}" "CGO_ENABLED=0"
  } | sha256sum | cut -c1-16
)
cache_root=${DRIFT_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/kubectl-drift/tools}
dest="${cache_root}/${key}"

complete() {
  local p
  for p in "${programs[@]}" "${krew_programs[@]}"; do
    [[ -x "$1/bin/${p%%=*}" ]] || return 1
  done
}

if complete "${dest}"; then
  log "up to date: ${dest}/bin"
  echo "${dest}/bin"
  exit 0
fi

mkdir -p "${cache_root}"
# Builds that were killed hard left their temporary directories behind; no
# build takes hours.
find "${cache_root}" -maxdepth 1 -name '.build-*' -mmin +120 -exec rm -rf {} + 2>/dev/null || true
tmp=$(mktemp -d "${cache_root}/.build-${key}.XXXXXX")
trap 'rm -rf "${tmp}"' EXIT
# A signal ends the running step at once (bash would otherwise wait for it
# before running a trap), and the EXIT trap removes the partial build.
child=
trap '[[ -n "${child}" ]] && kill -INT "${child}" 2>/dev/null; exit 130' INT
trap '[[ -n "${child}" ]] && kill -TERM "${child}" 2>/dev/null; exit 143' TERM
step() {
  "$@" >&2 &
  child=$!
  wait "${child}"
  local rc=$?
  child=
  return "${rc}"
}
chmod 755 "${tmp}"
mkdir -p "${tmp}/bin"

export GOFLAGS=-buildvcs=false GOWORK=off CGO_ENABLED=0
start=${SECONDS}
log "building $((${#programs[@]} + ${#krew_programs[@]})) programs into ${dest}/bin (a cold build takes minutes)"
cd "${tools_dir}"
step "${go_bin}" mod download
for p in "${programs[@]}"; do
  name=${p%%=*} pkg=${p#*=}
  log "  ${name} (${pkg})"
  step "${go_bin}" build "${build_flags[@]}" -o "${tmp}/bin/${name}" "${pkg}"
done
cd "${krew_dir}"
step "${go_bin}" mod download
for p in "${krew_programs[@]}"; do
  name=${p%%=*} pkg=${p#*=}
  log "  ${name} (${pkg})"
  step "${go_bin}" build "${krew_build_flags[@]}" -o "${tmp}/bin/${name}" "${pkg}"
done

complete "${tmp}" || { log "build finished without every program"; exit 1; }

# A directory left without every program (someone deleted one) is replaced;
# one that another build completed meanwhile is as good as ours.
if [[ -e "${dest}" ]] && ! complete "${dest}"; then
  rm -rf "${dest}"
fi
if ! mv -T "${tmp}" "${dest}" 2>/dev/null; then
  complete "${dest}" || { log "cannot move ${tmp} to ${dest}"; exit 1; }
fi
log "done in $((SECONDS - start))s"
echo "${dest}/bin"
