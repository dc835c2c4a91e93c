// swift-tools-version:6.1
// xdpha: VRRP + LVS-DR with an XDP fast path. See docs/ARCHITECTURE.md for what each target owns.
import PackageDescription

let package = Package(
    name: "xdpha",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "xdpha", targets: ["xdpha"]),
        .library(name: "VRRP", targets: ["VRRP"]),
        .library(name: "Config", targets: ["Config"]),
        .library(name: "ConfigFixtures", targets: ["ConfigFixtures"]),
        .library(name: "NetLab", targets: ["NetLab"]),
        .library(name: "HealthCheck", targets: ["HealthCheck"]),
        .library(name: "Balancer", targets: ["Balancer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // HealthCheck's I/O: sockets and HTTP(S) through NIO, scripts through Subprocess.
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    ],
    targets: [
        // C libraries reached through system-library targets.
        .systemLibrary(name: "CBPF", pkgConfig: "libbpf",
                       providers: [.apt(["libbpf-dev", "libelf-dev", "zlib1g-dev"])]),
        .systemLibrary(name: "CNetlink", pkgConfig: "libnl-route-3.0",
                       providers: [.apt(["libnl-3-dev", "libnl-genl-3-dev", "libnl-route-3-dev"])]),
        // The one header that BPF C and Swift share: map layouts and constants.
        .systemLibrary(name: "CXDPHA", path: "Sources/CXDPHA"),

        // BPF C in bpf/ compiled by the BPFCompile plugin and embedded as bytes.
        .executableTarget(name: "BPFEmbed", path: "Sources/BPFEmbed"),
        .plugin(name: "BPFCompile", capability: .buildTool(), dependencies: ["BPFEmbed"]),
        .target(name: "XDPObjects", path: "bpf", sources: ["XDPObjects.swift"],
                plugins: ["BPFCompile"]),

        // Pure logic: no sockets, no netlink, no BPF.
        .target(name: "VRRP"),
        .target(name: "SeededRandom"),
        .target(name: "Config", dependencies: ["SeededRandom"]),
        // Generated configurations shared by the scale tests and the benchmarks.
        .target(name: "ConfigFixtures"),
        .target(name: "Balancer"),

        // Thin owners of C handles.
        .target(name: "BPF", dependencies: ["Balancer", "CBPF", "CXDPHA", "XDPObjects"]),

        // Throwaway network-namespace labs for tests and the demo.
        .target(name: "CLinux"),
        .target(name: "NetLab", dependencies: ["CLinux"]),

        // Thin I/O owners for the VRRP daemon: rtnetlink (VIPs, links, neighbours) and the VRRP
        // raw sockets, gratuitous ARP and unsolicited neighbour advertisements.
        .target(name: "Netlink", dependencies: ["CNetlink"]),
        .target(name: "VRRPIO", dependencies: ["CLinux", "Netlink"]),

        // The `xdpha run` daemon: services wired into a ServiceGroup, control socket, reload.
        .target(name: "Daemon", dependencies: [
            "VRRP", "Config", "BPF", "CLinux", "Netlink", "VRRPIO", "Dataplane", "IPVS", "HealthCheck", "ServiceHealth",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // IPVS through generic netlink (libnl-genl): desired state, planner, reconciler.
        .target(name: "IPVS", dependencies: ["CNetlink"]),

        // The data paths: XDP (keepalived virtual servers -> Balancer services -> neighbour-resolved
        // DR maps, pinned so that they outlive the process that wrote them) and IPVS, and the split
        // of a configuration's virtual servers between them.
        .target(name: "Dataplane", dependencies: [
            "Balancer", "BPF", "Config", "IPVS", "Netlink",
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "xdpha", dependencies: [
            "Daemon", "Dataplane",
            "VRRP", "Config", "BPF", "NetLab",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),

        // `make bench`, lab part: failover and advert cost, xdpha against keepalived.
        .executableTarget(name: "xdpha-bench", dependencies: ["NetLab", "BPF", "Balancer", "Dataplane", "XDPObjects", "HealthCheck"], path: "Sources/Bench"),

        // Real-server health checks (keepalived's checkers) -> health events for the data path.
        .target(name: "HealthCheck", dependencies: [
            "CLinux",   // epoll for TCP_CHECK's connect scheduler
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Subprocess", package: "swift-subprocess"),
        ]),

        // keepalived.conf <-> HealthCheck, both ways and pure: checker plans from the virtual
        // servers, and the effective configuration (the pools the checkers keep) for a DataPath.
        .target(name: "ServiceHealth", dependencies: ["Config", "HealthCheck"]),

        .executableTarget(name: "xdpha-demo", dependencies: ["BPF", "NetLab"], path: "Sources/Demo"),

        .testTarget(name: "VRRPTests", dependencies: ["VRRP", "SeededRandom"], resources: [.copy("Golden")]),
        .testTarget(name: "ConfigTests", dependencies: ["Config", "ConfigFixtures", "SeededRandom"], resources: [.copy("Corpus")]),
        .testTarget(name: "DaemonTests", dependencies: [
            "Daemon", "NetLab", "Config", "Dataplane", .product(name: "Logging", package: "swift-log"),
        ]),
        .testTarget(name: "NetlinkTests", dependencies: ["Netlink", "NetLab"]),
        .testTarget(name: "NetLabTests", dependencies: ["NetLab"]),
        .testTarget(name: "VRRPIOTests", dependencies: ["VRRPIO", "Netlink", "NetLab", "CLinux"]),
        .testTarget(name: "BPFTests", dependencies: ["BPF", "NetLab", "CXDPHA", "Balancer", "Dataplane"]),
        .testTarget(name: "BalancerTests", dependencies: ["Balancer"]),
        .testTarget(name: "IPVSTests", dependencies: ["IPVS", "NetLab"]),

        .testTarget(name: "HealthCheckTests", dependencies: [
            "HealthCheck", "NetLab", "SeededRandom",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .testTarget(name: "ServiceHealthTests", dependencies: ["ServiceHealth", "HealthCheck", "Config"]),
        .testTarget(name: "DataplaneTests", dependencies: ["Dataplane", "Balancer", "BPF", "Config", "IPVS", "NetLab"]),
    ],
    swiftLanguageModes: [.v6]
)
