# kubectl drift. `make demo` shows it on a throwaway control plane; `make test`
# runs every test. Both build what they need (the control-plane programs are
# built from the Go module proxy once and cached outside the repository).

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT    ?= $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)
LDFLAGS   := -s -w -X main.version=$(VERSION) -X main.commit=$(COMMIT)
BINARY    := kubectl-drift

.PHONY: all build tools test unit e2e demo bench fuzz vet clean

all: build

build:
	$(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BINARY) .

# Builds etcd, kube-apiserver, kube-controller-manager, kube-scheduler, kubectl
# and kubemark (cached by content and version; a cold build takes minutes).
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

# Benchmarks, not tests: they report numbers and assert none. Registry
# resolution and `lock -f`: 200 distinct tags, 20 ms latency, concurrency 8;
# the target for lock -f is x-ideal <= 2.
bench:
	$(GO) test -run '^$$' -bench . -benchtime 3x ./plugin/registry/ ./test/bench/

vet:
	$(GO) vet ./...
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); exit 1; }

clean:
	rm -rf $(BINARY) dist
