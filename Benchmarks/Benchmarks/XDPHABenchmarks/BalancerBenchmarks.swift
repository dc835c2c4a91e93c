// Control-plane costs of the DR balancer: what a reload or a health-check change costs before
// any map is written. Target: a 65537-slot Maglev table for 100 weighted reals in under 5 ms
// (release build).
import Balancer
import Benchmark

/// 100 reals with weights 1...100 in a scattered order, as a large weighted service would have.
private let weightedReals: [RealServer] = (0..<100).map { i in
    RealServer(address: IPAddress("198.51.\(100 + i / 250).\(i % 250 + 1)")!, port: 80,
               weight: UInt32(1 + (i * 37) % 100))
}

private let vip = ServiceKey(address: IPAddress("203.0.113.10")!, port: 80, transport: .tcp)

func registerBalancerBenchmarks() {
    let configuration = Benchmark.Configuration(metrics: [.wallClock, .mallocCountTotal],
                                                maxDuration: .seconds(5), maxIterations: 200)

    Benchmark("Maglev 65537 x 100 weighted", configuration: configuration) { benchmark in
        let backends = weightedReals.map { MaglevTable.Backend(name: $0.name, weight: $0.weight) }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(MaglevTable.build(backends, size: MaglevTable.defaultSize))
        }
    }

    Benchmark("wrr ring x 100 weighted", configuration: configuration) { benchmark in
        let weights = weightedReals.map(\.weight)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(RoundRobinRing.build(weights: weights, weighted: true, capacity: 65537))
        }
    }

    Benchmark("Plan 8 services x 100 reals (replan)", configuration: configuration) { benchmark in
        let services = (0..<8).map { i in
            Service(key: ServiceKey(address: vip.address, port: 8000 + UInt16(i), transport: .tcp),
                    scheduler: i % 2 == 0 ? .maglev : .weightedRoundRobin, reals: weightedReals)
        }
        var planner = DataPathPlanner()
        _ = try planner.plan(services)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            blackHole(try planner.plan(services))
        }
    }

    Benchmark("Flow hash (five-tuple)", configuration: .init(metrics: [.wallClock], scalingFactor: .kilo)) { benchmark in
        let flow = FlowKey(source: IPAddress("192.0.2.50")!, destination: vip.address, sourcePort: 40000,
                           destinationPort: 80, transport: .tcp)
        for _ in benchmark.scaledIterations {
            blackHole(FlowHash.hash(flow, fields: .fiveTuple))
        }
    }
}
