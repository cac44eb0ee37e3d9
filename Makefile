# kubectl drift. `make demo` shows it on a throwaway control plane; `make test`
# runs every test. Both build what they need (the control-plane programs are
# built from the Go module proxy once and cached outside the repository).

GO        ?= go
# The version and commit stamped into the binary: the nearest v* tag (a
# semantic version, as krew requires) and the commit, from git; v0.0.0-dev and
# unknown in a tree without .git, such as an exported source archive.
GIT       := $(if $(wildcard .git),git,false)
VERSION   ?= $(shell $(GIT) describe --tags --match 'v[0-9]*' --dirty 2>/dev/null || echo v0.0.0-dev)
COMMIT    ?= $(shell $(GIT) rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BINARY    := kubectl-drift

.PHONY: all build dist tools test unit e2e demo bench fuzz vet clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY) .

# The release, in dist/: an archive per platform (kubectl-drift, LICENSE and
# kubectl_complete-drift), drift.yaml (the krew plugin manifest pointing at
# the archives under DIST_URL) and sha256sums.txt. Reproducible: the same
# tree, VERSION, COMMIT and Go version give the same sums.
#   make dist VERSION=v0.1.0
DIST_URL  ?= https://github.com/kubectl-drift/kubectl-drift/releases/download/$(VERSION)
PLATFORMS ?= linux/amd64 linux/arm64 darwin/amd64 darwin/arm64 windows/amd64
# Archived files are dated at the last commit (a fixed date without git).
SOURCE_DATE_EPOCH ?= $(shell $(GIT) log -1 --format=%ct 2>/dev/null)

dist:
	rm -rf dist
	SOURCE_DATE_EPOCH='$(SOURCE_DATE_EPOCH)' $(GO) run ./hack/dist -version '$(VERSION)' -commit '$(COMMIT)' \
		-base-url '$(DIST_URL)' -platforms '$(PLATFORMS)' -out dist

# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl,
# kubemark and krew (kubectl-krew, validate-krew-manifest), cached by content
# and version; a cold build takes minutes.
tools:
	@hack/build-tools.sh >/dev/null

# Every test: a short run of each fuzz target, then unit tests and the
# end-to-end suite against a real control plane.
test: build
	@FUZZTIME=5s hack/fuzz.sh
	@DRIFT_TOOLS_BIN="$$(hack/build-tools.sh)" hack/run-tests.sh ./...

# Each fuzz target for FUZZTIME (default 30s).
fuzz:
	@FUZZTIME=$(or $(FUZZTIME),30s) hack/fuzz.sh

unit:
	$(GO) test -count=1 ./cmd/... ./diff/... ./lockfile/... ./plugin/...

e2e: build
	@DRIFT_TOOLS_BIN="$$(hack/build-tools.sh)" hack/run-tests.sh ./test/... ./internal/...

demo: build
	@DRIFT_TOOLS_BIN="$$(hack/build-tools.sh)" $(GO) run ./hack/demo -drift ./$(BINARY)

# Benchmarks, not tests: they report numbers and assert none. Compare over
# 5,000 clean pods; registry resolution and `lock -f`: 200 distinct tags,
# 20 ms latency, concurrency 8 (target for lock -f: x-ideal <= 2). Scale (test/bench/scale): check -A
# and lock -A beside kubectl get pods -A -o json and a bare protobuf list, on
# 1k, 5k and 20k Running pods; also written to $BENCH_OUT (bench-results.json).
bench: build
	$(GO) test -run '^$$' -bench . -benchtime 3x ./lockfile/ ./plugin/registry/ ./test/bench/
	@DRIFT_TOOLS_BIN="$$(hack/build-tools.sh)" $(GO) run ./test/bench/scale -drift ./$(BINARY)

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

clean:
	rm -rf $(BINARY) dist
