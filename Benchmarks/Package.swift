// swift-tools-version:6.1
// `make bench`: package-benchmark suites for xdpha's pure modules, kept out of the main package
// so that `swift build` and `make test` never build the benchmark harness.
import PackageDescription

let package = Package(
    name: "xdpha-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "xdpha", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "XDPHABenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "VRRP", package: "xdpha"),
                .product(name: "Config", package: "xdpha"),
                .product(name: "ConfigFixtures", package: "xdpha"),
                .product(name: "Balancer", package: "xdpha"),
            ],
            path: "Benchmarks/XDPHABenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "HealthCheckBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "HealthCheck", package: "xdpha"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Benchmarks/HealthCheckBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
    ],
    swiftLanguageModes: [.v6]
)
