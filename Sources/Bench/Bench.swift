// `make bench` (lab part): VRRP failover and advert reception cost (xdpha against keepalived),
// per-packet cost of the XDP programs, and forwarding through the director (XDP here; XDP and
// IPVS in the qemu guest, run first by `make bench` with --forwarding-only), written to
// Benchmarks/results/ as summary.json, summary.md and PNG plots.
//
//   xdpha-bench [--quick] [--output DIR] [--guest-forwarding FILE[,FILE...]] [--checker-results FILE]
//   xdpha-bench --forwarding-only [--quick] [--window SECONDS] [--paths xdp,ipvs] [--environment NAME] [--forwarding-json FILE]
//   xdpha-bench --checker-scale-only [--quick] [--output DIR]
//   xdpha-bench --failover-only [--quick] [--output DIR]
//   xdpha-bench --forwarding-report-only --forwarding-runs A.json[,B.json...] [--output DIR]
//   xdpha-bench --advert-cost-only [--compare-xdp OBJ | --compare-binary XDPHA [--receivers none,xdp,socket] [--rounds N]]
//     | --packet-cost-only [--compare A.o,B.o] [--quick] [--output DIR]
import Foundation
import NetLab

@main
struct Bench {
    static var xdphaBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("xdpha")
    }

    /// The value after `name` on the command line.
    static func option(_ name: String) -> String? {
        CommandLine.arguments.drop { $0 != name }.dropFirst().first
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }

    static func main() async {
        if let reason = Lab.unavailableReason { log("cannot run: \(reason)"); exit(1) }
        let quick = CommandLine.arguments.contains("--quick")
        if CommandLine.arguments.contains("--advert-cost-only") {
            do {
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
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        if CommandLine.arguments.contains("--failover-only") {
            do {
                let results = try await FailoverBenchmark(settings: FailoverSetting.standard(quick: quick), trials: quick ? 1 : 3).run()
                for r in results {
                    print("\(r.implementation) \(r.setting.label) \(r.fault): median \(String(format: "%.1f", r.median * 1000)) ms "
                          + "(trials \(r.gaps.map { String(format: "%.1f", $0 * 1000) }.joined(separator: " ")); target \(String(format: "%.1f", r.target * 1000)) ms)")
                }
                if let output = option("--output") {
                    try BenchReport.update(in: URL(fileURLWithPath: output)) { $0.failover = results }
                }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        if CommandLine.arguments.contains("--checker-scale-only") {
            do {
                let results = try await CheckerScaleBenchmark(window: quick ? 3 : 10).run()
                for r in results {
                    print("\(r.checker) x \(r.reals) every second: \(String(format: "%.1f", r.cpuPercent))% of one core (user \(String(format: "%.1f", r.userPercent))%), max RSS \(r.maxRSSMiB) MiB, \(r.downEvents) down events, \(r.connectsPerSecond.map { String(format: "%.0f", $0) } ?? "?") connects/s")
                }
                if let output = option("--output") {
                    try BenchReport.update(in: URL(fileURLWithPath: output)) { $0.checkerScale = results }
                }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        // --forwarding-report-only --forwarding-runs A.json,B.json --output DIR: the summary in DIR
        // with these forwarding runs (from --forwarding-only) in place of its own.
        if CommandLine.arguments.contains("--forwarding-report-only") {
            do {
                let runs = try (option("--forwarding-runs")?.split(separator: ",") ?? []).map {
                    try JSONDecoder().decode(ForwardingRun.self, from: Data(contentsOf: URL(fileURLWithPath: String($0))))
                }
                try BenchReport.update(in: URL(fileURLWithPath: option("--output") ?? "Benchmarks/results")) { $0.forwarding = runs }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        if CommandLine.arguments.contains("--forwarding-only") {
            do {
                let paths: [ForwardingPath] = Self.option("--paths").map { $0.split(separator: ",").compactMap { ForwardingPath(flag: String($0)) } } ?? [.xdp]
                let window = Self.option("--window").flatMap(Double.init) ?? (quick ? 1 : 2)
                let results = try await ForwardingBenchmark(paths: paths, frameSizes: quick ? [64] : [64, 512, 1514],
                                                            trials: quick ? 1 : 3, window: window).run()
                let run = ForwardingRun(environment: Self.option("--environment") ?? "host",
                                        machine: BenchReport.Machine.current(), results: results.lab,
                                        saturated: results.saturated)
                if let file = Self.option("--forwarding-json") {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try encoder.encode(run).write(to: URL(fileURLWithPath: file))
                }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        if CommandLine.arguments.contains("--packet-cost-only") {
            // --compare A.o,B.o: measure these objects too, interleaved with the embedded one.
            let others = option("--compare")?.split(separator: ",").map { String($0) } ?? []
            do {
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
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        let output = URL(fileURLWithPath: option("--output") ?? "Benchmarks/results")
        do {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let failover = try await FailoverBenchmark(settings: FailoverSetting.standard(quick: quick), trials: quick ? 1 : 3).run()
            let cost = try await AdvertCostBenchmark(window: quick ? .seconds(2) : .seconds(5)).run()
            let packets = try await PacketCostBenchmark(calls: quick ? 100_000 : 1_000_000).run()
            var report = BenchReport(machine: BenchReport.Machine.current(), failover: failover, advertCost: cost,
                                     packetCost: packets)
            let hostForwarding = try await ForwardingBenchmark(paths: [.xdp], frameSizes: quick ? [64] : [64, 512, 1514],
                                                               trials: quick ? 1 : 3, window: quick ? 1 : 2).run()
            report.forwarding = [ForwardingRun(environment: "host", machine: report.machine, results: hostForwarding.lab,
                                               saturated: hostForwarding.saturated)]
            // The IPVS half ran before in the qemu guest (make bench), written as JSON.
            for file in option("--guest-forwarding")?.split(separator: ",").map(String.init) ?? [] {
                if let data = FileManager.default.contents(atPath: file) {
                    report.forwarding.append(try JSONDecoder().decode(ForwardingRun.self, from: data))
                } else {
                    log("no guest forwarding results at \(file): the XDP/IPVS comparison is missing")
                }
            }
            report.checkerScale = try await CheckerScaleBenchmark(window: quick ? 3 : 10).run()
            if let file = option("--checker-results") {
                // package-benchmark prints its own warnings before the report: keep the report.
                let text = (try? String(contentsOfFile: file, encoding: .utf8)) ?? ""
                report.checkers = text.range(of: "## ").map { String(text[$0.lowerBound...]) } ?? text
            }
            try report.write(to: output)
            BenchPlots.draw(report, into: output)
            print(report.markdown)
        } catch {
            log("failed: \(error)")
            exit(1)
        }
    }
}
