// package-benchmark suite for HealthCheck: the per-check cost of the pure policy at 1,000 reals,
// the codecs a check runs, and one real TCP_CHECK against a loopback listener.
import Benchmark
import HealthCheck
import NIOCore
import NIOPosix

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: [.wallClock, .cpuTotal, .mallocCountTotal], maxDuration: .seconds(2))

    Benchmark("HealthCheck: policy step, 1000 reals") { benchmark in
        let reals = (0..<1000).map { index in
            RealServerHealthConfiguration(endpoint: Endpoint("192.0.2.\(index % 250)", 1000 + index),
                                          checkers: [CheckerConfiguration(.tcp)])
        }
        var health = VirtualServerHealth(VirtualServerHealthConfiguration(name: "vs", reals: reals))
        _ = health.start()
        benchmark.startMeasurement()
        for iteration in benchmark.scaledIterations {
            blackHole(health.record(real: iteration % 1000, checker: 0, .up()))
        }
    }

    Benchmark("HealthCheck: MD5 of a 4 KiB body") { benchmark in
        let body = [UInt8](repeating: 0x61, count: 4096)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(MD5.hex(of: body)) }
    }

    Benchmark("HealthCheck: DNS response decode") { benchmark in
        let query = DNSQuery(id: 7, name: "www.example.test", type: .a)
        var response = try query.encode()
        response[2] = 0x81; response[3] = 0x80; response[7] = 1
        response += [0xC0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(try DNSResponse(decoding: response).violation(of: query)) }
    }

    Benchmark("HealthCheck: TCP_CHECK on loopback", configuration: .init(maxIterations: 2000)) { benchmark in
        let group = MultiThreadedEventLoopGroup.singleton
        let server = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in channel.close() }
            .bind(host: "127.0.0.1", port: 0).get()
        let checker = TCPChecker(target: Endpoint("127.0.0.1", server.localAddress?.port ?? 0), timeout: .seconds(1),
                                 environment: CheckerEnvironment(eventLoopGroup: group))
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations { blackHole(await checker.check()) }
        benchmark.stopMeasurement()
        try await server.close()
    }
}
