# xdpha: `make demo` runs the lab demonstration, `make test` the whole test suite.
# Both install what they need first (Debian 12, as root), as on a fresh machine.

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
# What the build, the tests and the demo need from Debian.
APT_PACKAGES = libbpf-dev libelf-dev zlib1g-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev \
	pkg-config iproute2 bpftool iputils-ping ethtool tcpdump keepalived procps \
	nginx-light dnsmasq-base openssl python3

.PHONY: all deps build test demo bench fuzz clean-labs clean

all: build

# Installs only what is missing, so a second run costs one dpkg query.
deps:
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "error: run as root to install $$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

build: deps
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

# Serial: VRRP timing tests must not compete for two cores. Then the IPVS suites in a qemu
# guest (this kernel has no IPVS); see vm/README.md.
test: deps
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test --skip-build --no-parallel $(SWIFT_BUILD_FLAGS); status=$$?; $(MAKE) -s clean-labs; exit $$status
	$(MAKE) ipvs-test

demo: build
	$(SWIFT) run $(SWIFT_BUILD_FLAGS) xdpha-demo

# `make bench`: the package-benchmark suites (the checkers' figures kept as Markdown), then the
# forwarding comparison XDP vs IPVS in the qemu guest (this kernel has no IPVS), then the lab
# benchmarks here (failover, advert cost, per-packet cost, XDP forwarding), all collected into
# Benchmarks/results/summary.{md,json} and PNG plots. BENCH_FLAGS=--quick: short runs.
BENCH_FLAGS ?=
BENCH_RESULTS = Benchmarks/results
# Only `make bench` draws plots; CI runs `make test`.
BENCH_APT_PACKAGES = gnuplot-nox

.PHONY: bench-deps
bench-deps:
	@missing=$$(for p in $(BENCH_APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "error: run as root to install $$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

bench: deps vm-deps bench-deps
	mkdir -p $(BENCH_RESULTS)
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --target XDPHABenchmarks --no-progress
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --target HealthCheckBenchmarks \
		--format markdown --no-progress > results/checkers.md
	cat $(BENCH_RESULTS)/checkers.md
	$(SWIFT) build -c release --product xdpha $(SWIFT_BUILD_FLAGS)
	$(SWIFT) build -c release --product xdpha-bench $(SWIFT_BUILD_FLAGS)
	vm/run-in-vm.sh -- "$$($(SWIFT) build -c release --show-bin-path)/xdpha-bench" --forwarding-only --paths xdp,ipvs \
		--environment "qemu TCG guest" --forwarding-json $(BENCH_RESULTS)/forwarding-guest.json $(BENCH_FLAGS)
	@# Again with the guest's clock counting instructions (vm/README.md, VM_ICOUNT): CPU times that
	@# the busy host cannot inflate; one vCPU (qemu 7.2 hangs bringing up a second in this mode),
	@# 64-byte frames, one trial (the figures repeat to a few per cent).
	VM_ICOUNT=0 VM_CPUS=1 vm/run-in-vm.sh -- "$$($(SWIFT) build -c release --show-bin-path)/xdpha-bench" --forwarding-only \
		--paths xdp,ipvs --quick --window 2 --environment "qemu TCG guest, icount (1 vCPU, CPU time counts instructions)" \
		--forwarding-json $(BENCH_RESULTS)/forwarding-guest-icount.json
	"$$($(SWIFT) build -c release --show-bin-path)/xdpha-bench" --output $(BENCH_RESULTS) $(BENCH_FLAGS) \
		--guest-forwarding $(BENCH_RESULTS)/forwarding-guest.json,$(BENCH_RESULTS)/forwarding-guest-icount.json \
		--checker-results $(BENCH_RESULTS)/checkers.md

# Namespaces left behind by a lab whose process was killed (labs clean up after themselves
# otherwise); only names of our own prefix are touched.
clean-labs:
	@for ns in $$(ip netns list 2>/dev/null | awk '{print $$1}' | grep '^xl[0-9]'); do \
		pid=$${ns#xl}; pid=$${pid%%-*}; \
		if ! kill -0 $$pid 2>/dev/null; then ip netns del $$ns; fi; \
	done
	@# Maps pinned by a lab's `xdpha attach` (/sys/fs/bpf/xl<pid>-...), same rule.
	@for dir in /sys/fs/bpf/xl[0-9]*; do \
		[ -d "$$dir" ] || continue; \
		pid=$${dir#/sys/fs/bpf/xl}; pid=$${pid%%-*}; \
		if ! kill -0 $$pid 2>/dev/null; then rm -f "$$dir"/xdpha_*; rmdir "$$dir"; fi; \
	done

clean:
	rm -rf .build Benchmarks/.build

# libFuzzer (with AddressSanitizer) over the VRRP advert decoder, receiver checks and state
# machine: Fuzz/VRRPAdvertFuzz/main.swift compiled with the Sources/VRRP files into one module.
# Bounded: FUZZ_VRRP_RUNS inputs (default 1,000,000), seeded from the keepalived golden packets;
# new inputs the fuzzer finds are kept in .build/fuzz-vrrp/corpus for the next run.
FUZZ_VRRP_RUNS ?= 1000000
FUZZ_VRRP_DIR = .build/fuzz-vrrp

.PHONY: fuzz-vrrp
fuzz-vrrp:
	mkdir -p $(FUZZ_VRRP_DIR)/corpus
	swiftc -sanitize=fuzzer,address -parse-as-library -module-name VRRP -O -use-ld=lld \
		Sources/VRRP/*.swift Fuzz/VRRPAdvertFuzz/main.swift -o $(FUZZ_VRRP_DIR)/vrrp-advert-fuzz
	$(FUZZ_VRRP_DIR)/vrrp-advert-fuzz -runs=$(FUZZ_VRRP_RUNS) -max_len=512 -print_final_stats=1 \
		-artifact_prefix=$(FUZZ_VRRP_DIR)/ $(FUZZ_VRRP_DIR)/corpus Fuzz/VRRPAdvertFuzz/corpus
# --- IPVS in a qemu guest ------------------------------------------------------------------
# This machine's kernel has no IPVS, so IPVS tests run in a guest booting Debian's stock kernel
# over the host's own userland (vm/README.md). The kernel package is downloaded into .vm-cache/.
VM_APT_PACKAGES = qemu-system-x86 busybox-static cpio kmod ipvsadm xz-utils dpkg coreutils util-linux

.PHONY: vm-deps vm-test ipvs-test

vm-deps:
	@missing=$$(for p in $(VM_APT_PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing:" $$missing; \
		if [ "$$(id -u)" != 0 ]; then echo "error: run as root to install $$missing" >&2; exit 1; fi; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# The runner itself: exit status, output streams, shares, IPVS modules, timeout.
vm-test: vm-deps
	vm/smoke-test.sh

# Builds the tests here and runs the IPVS suites in the guest. The test binary is run directly:
# `swift test` would first recompile every package manifest inside the slow guest.
ipvs-test: deps vm-deps
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)
	vm/run-in-vm.sh -- "$$($(SWIFT) build --show-bin-path $(SWIFT_BUILD_FLAGS))/xdphaPackageTests.xctest" \
		--testing-library swift-testing --filter "IPVSTests|StockKernelTests"

# The Config loader's fuzz test alone: 1,000,000 seeded inputs (random bytes and mutations of the
# corpus). XDPHA_FUZZ_INPUTS_PER_WORKER=N (4 workers) runs more or fewer.
.PHONY: fuzz-config
fuzz-config: deps
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_BUILD_FLAGS) --filter ConfigTests.FuzzTests
