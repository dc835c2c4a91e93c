// The parts of the benchmark that run on their own (`--*-only`): each prints its figures and,
// with --output, puts them into the summary there.
import Foundation

extension Bench {
    /// The part the command line asks for, if any.
    static var part: ((Bool) async throws -> Void)? {
        let parts: [(flag: String, run: (Bool) async throws -> Void)] = [
            ("--advert-cost-only", advertCostOnly),
            ("--failover-only", failoverOnly),
            ("--checker-scale-only", checkerScaleOnly),
            ("--forwarding-report-only", forwardingReportOnly),
            ("--forwarding-only", forwardingOnly),
            ("--packet-cost-only", packetCostOnly),
        ]
        return parts.first { CommandLine.arguments.contains($0.flag) }?.run
    }

    static func advertCostOnly(quick: Bool) async throws {
        let benchmark = AdvertCostBenchmark(window: quick ? .seconds(2) : .seconds(5))
        if let other = option("--compare-binary") {
            let receivers = (option("--receivers") ?? "none,xdp").split(separator: ",").compactMap { Receiver(flag: String($0)) }
            try await benchmark.compare(with: URL(fileURLWithPath: other), receivers: receivers,
                                        rounds: option("--rounds").flatMap { Int($0) } ?? 3)
            return
        }
        let results = try await benchmark.run()
        for r in results {
            print("\(r.receiver.rawValue): \(Int(r.adverts)) adverts; backup \(r.perAdvertMicroseconds) us; master \(r.masterMicrosecondsPerSent) us per advert sent; machine \(r.machineMicroseconds) us")
        }
        // --compare-xdp OBJ: the XDP receiver with the embedded object and with OBJ, in
        // alternating rounds of this run (the machine's load drifts), medians compared.
        if let object = option("--compare-xdp") {
            var mine: [Double] = [], theirs: [Double] = []
            for _ in 0..<3 {
                mine.append(try await benchmark.measureXDP(object: nil).xdpMicroseconds)
                theirs.append(try await benchmark.measureXDP(object: object).xdpMicroseconds)
            }
            let median = { (values: [Double]) in values.sorted()[values.count / 2] }
            print(String(format: "XDP program per advert, 3 alternating rounds: embedded %@ (median %.2f us), %@ %@ (median %.2f us); embedded / other: %.2f",
                         mine.map { String(format: "%.2f", $0) }.joined(separator: " "), median(mine),
                         URL(fileURLWithPath: object).lastPathComponent,
                         theirs.map { String(format: "%.2f", $0) }.joined(separator: " "), median(theirs),
                         median(mine) / max(median(theirs), 1e-9)))
        }
        if let output = option("--output") {
            try BenchReport.update(in: URL(fileURLWithPath: output)) { $0.advertCost = results }
        }
    }

    static func failoverOnly(quick: Bool) async throws {
        let results = try await FailoverBenchmark(settings: FailoverSetting.standard(quick: quick), trials: quick ? 1 : 3).run()
        for r in results {
            print("\(r.implementation) \(r.setting.label) \(r.fault): median \(String(format: "%.1f", r.median * 1000)) ms "
                  + "(trials \(r.gaps.map { String(format: "%.1f", $0 * 1000) }.joined(separator: " ")); target \(String(format: "%.1f", r.target * 1000)) ms)")
        }
        if let output = option("--output") {
            try BenchReport.update(in: URL(fileURLWithPath: output)) { $0.failover = results }
        }
    }

    static func checkerScaleOnly(quick: Bool) async throws {
        let results = try await CheckerScaleBenchmark(window: quick ? 3 : 10).run()
        for r in results {
            print("\(r.checker) x \(r.reals) every second: \(String(format: "%.1f", r.cpuPercent))% of one core (user \(String(format: "%.1f", r.userPercent))%), max RSS \(r.maxRSSMiB) MiB, \(r.downEvents) down events, \(r.connectsPerSecond.map { String(format: "%.0f", $0) } ?? "?") connects/s")
        }
        if let output = option("--output") {
            try BenchReport.update(in: URL(fileURLWithPath: output)) { $0.checkerScale = results }
        }
    }

    // --forwarding-report-only --forwarding-runs A.json,B.json --output DIR: the summary in DIR
    // with these forwarding runs (from --forwarding-only) in place of its own.
    static func forwardingReportOnly(quick: Bool) async throws {
        let runs = try (option("--forwarding-runs")?.split(separator: ",") ?? []).map {
            try JSONDecoder().decode(ForwardingRun.self, from: Data(contentsOf: URL(fileURLWithPath: String($0))))
        }
        try BenchReport.update(in: URL(fileURLWithPath: option("--output") ?? "Benchmarks/results")) { $0.forwarding = runs }
    }

    static func forwardingOnly(quick: Bool) async throws {
        let paths: [ForwardingPath] = option("--paths").map { $0.split(separator: ",").compactMap { ForwardingPath(flag: String($0)) } } ?? [.xdp]
        let window = option("--window").flatMap(Double.init) ?? (quick ? 1 : 2)
        let results = try await ForwardingBenchmark(paths: paths, frameSizes: quick ? [64] : [64, 512, 1514],
                                                    trials: quick ? 1 : 3, window: window).run()
        let run = ForwardingRun(environment: option("--environment") ?? "host",
                                machine: BenchReport.Machine.current(), results: results.lab,
                                saturated: results.saturated)
        if let file = option("--forwarding-json") {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(run).write(to: URL(fileURLWithPath: file))
        }
    }

    static func packetCostOnly(quick: Bool) async throws {
        // --compare A.o,B.o: measure these objects too, interleaved with the embedded one.
        let others = option("--compare")?.split(separator: ",").map { String($0) } ?? []
        let variants = try await PacketCostBenchmark(calls: quick ? 100_000 : 1_000_000,
                                                     objects: [nil] + others).runVariants()
        for variant in variants {
            print("[\(variant.label)]")
            for row in variant.rows {
                print("\(row.name): median \(row.medianNanoseconds) ns, p90 \(row.p90Nanoseconds) ns, over floor \(row.overFloorNanoseconds) ns (target \(row.target))")
            }
        }
        for variant in variants.dropFirst() {
            for (mine, theirs) in zip(variants[0].rows, variant.rows) {
                print(String(format: "embedded / %@, %@: median %.2f, over floor %.2f", variant.label, mine.name,
                             mine.medianNanoseconds / theirs.medianNanoseconds,
                             mine.overFloorNanoseconds / max(theirs.overFloorNanoseconds, 1)))
            }
        }
        if let output = option("--output") {
            try BenchReport.update(in: URL(fileURLWithPath: output)) { $0.packetCost = variants[0].rows }
        }
    }
}
