# netdoctor: the targets people expect. Go must be on PATH (or at /usr/local/go).
export PATH := $(PATH):/usr/local/go/bin
GO      ?= go
PKGS    := ./...
FUZZTIME ?= 5s
# staticcheck, installed into bin/ by `make lint` on first use (a version
# that knows Go 1.26).
STATICCHECK_VERSION := v0.8.2
STATICCHECK := $(CURDIR)/bin/staticcheck

.PHONY: all build test bench fuzz lint golden fixtures man clean

all: lint test build

# A static binary (no cgo, no dynamic loader): it starts on any Linux from
# kernel 3.2 on (Go's minimum), whatever its C library. BIN is where it goes.
BIN ?= bin
build:
	CGO_ENABLED=0 $(GO) build -trimpath -buildvcs=auto -o $(BIN)/netdoctor ./cmd/netdoctor

# The whole test suite with the race detector on. It first installs or
# reuses what the tests need (scripts/install-test-deps.sh: idempotent, and
# quick when everything is there), so it passes on a fresh machine.
test:
	./scripts/install-test-deps.sh
	$(GO) vet $(PKGS)
	$(GO) test -race -count=1 $(PKGS)

# Go benchmarks for the speed targets of the issues (see README).
bench:
	$(GO) test -run='^$$' -bench=. -benchmem -benchtime=$${BENCHTIME:-1x} $(PKGS)

# A short run of every fuzz target (FUZZTIME each).
fuzz:
	FUZZTIME=$(FUZZTIME) ./scripts/fuzz.sh

lint: $(STATICCHECK)
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	  if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)
	$(STATICCHECK) $(PKGS)

# Installs staticcheck once; reinstalls when STATICCHECK_VERSION changes.
$(STATICCHECK): Makefile
	@if ! [ -x $@ ] || ! $@ -version 2>/dev/null | grep -qF '($(patsubst v%,%,$(STATICCHECK_VERSION)))'; then \
	  echo "installing staticcheck $(STATICCHECK_VERSION) into bin/"; \
	  GOBIN=$(CURDIR)/bin $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION); \
	fi
	@touch $@

# Refresh golden files after an intended change of output.
golden:
	$(GO) test ./report/ ./internal/cli/ -update

# Regenerate fixtures/ from internal/fixturegen (a test fails when they drift).
fixtures:
	$(GO) run ./internal/fixturegen/gen -out fixtures

# Regenerate the man pages (docs/man) and the Markdown command reference
# (docs/cli) from the cobra commands (a test fails when they drift).
# Install the pages with: install -m 0644 docs/man/*.1 /usr/local/share/man/man1/
man:
	$(GO) run ./internal/clidocs/gen -out docs

clean:
	rm -rf bin
