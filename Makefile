# xdpha: `make demo` runs the lab demonstration, `make test` the whole test suite.
# Both install what they need first (Debian 12, as root), as on a fresh machine.

SWIFT ?= swift
SWIFT_BUILD_FLAGS ?=
# What the build, the tests and the demo need from Debian.
APT_PACKAGES = libbpf-dev libelf-dev zlib1g-dev libnl-3-dev libnl-genl-3-dev libnl-route-3-dev \
	pkg-config iproute2 bpftool iputils-ping ethtool tcpdump keepalived procps python3

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

test: deps
	$(SWIFT) build --build-tests $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test --skip-build $(SWIFT_BUILD_FLAGS); status=$$?; $(MAKE) -s clean-labs; exit $$status

demo: build
	$(SWIFT) run $(SWIFT_BUILD_FLAGS) xdpha-demo

bench: deps
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark

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
