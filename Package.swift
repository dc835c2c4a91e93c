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
        .library(name: "NetLab", targets: ["NetLab"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
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
        .target(name: "Config"),

        // Thin owners of C handles.
        .target(name: "BPF", dependencies: ["CBPF", "CXDPHA", "XDPObjects"]),

        // Throwaway network-namespace labs for tests and the demo.
        .target(name: "CLinux"),
        .target(name: "NetLab", dependencies: ["CLinux"]),

        // IPVS through generic netlink (libnl-genl): desired state, planner, reconciler.
        .target(name: "IPVS", dependencies: ["CNetlink"]),

        .executableTarget(name: "xdpha", dependencies: [
            "VRRP", "Config", "BPF", "NetLab",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        .executableTarget(name: "xdpha-demo", dependencies: ["BPF", "NetLab"], path: "Sources/Demo"),

        .testTarget(name: "VRRPTests", dependencies: ["VRRP"], resources: [.copy("Golden")]),
        .testTarget(name: "ConfigTests", dependencies: ["Config"], resources: [.copy("Corpus")]),
        .testTarget(name: "BPFTests", dependencies: ["BPF", "NetLab", "CXDPHA"]),
        .testTarget(name: "IPVSTests", dependencies: ["IPVS", "NetLab"]),
    ],
    swiftLanguageModes: [.v6]
)
