// `make bench` (lab part): VRRP failover and advert reception cost (xdpha against keepalived),
// per-packet cost of the XDP programs, and forwarding through the director (XDP here; XDP and
// IPVS in the qemu guest, run first by `make bench` with --forwarding-only), written to
// Benchmarks/results/ as summary.json, summary.md and PNG plots.
//
//   xdpha-bench [--quick] [--output DIR] [--guest-forwarding FILE] [--checker-results FILE]
//   xdpha-bench --forwarding-only [--quick] [--paths xdp,ipvs] [--environment NAME] [--forwarding-json FILE]
//   xdpha-bench --advert-cost-only | --packet-cost-only [--quick]
import Foundation
import NetLab

@main
struct Bench {
    static var xdphaBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("xdpha")
    }

    static func log(_ line: String) {
        FileHandle.standardError.write(Data("bench: \(line)\n".utf8))
    }

    /// The value after `name` on the command line.
    static func option(_ name: String) -> String? {
        CommandLine.arguments.drop { $0 != name }.dropFirst().first
    }

    static func main() async {
        if let reason = Lab.unavailableReason { log("cannot run: \(reason)"); exit(1) }
        let quick = CommandLine.arguments.contains("--quick")
        if CommandLine.arguments.contains("--advert-cost-only") {
            do {
                for r in try await AdvertCostBenchmark(window: quick ? .seconds(2) : .seconds(5)).run() {
                    print("\(r.receiver.rawValue): \(Int(r.adverts)) adverts; backup \(r.perAdvertMicroseconds) us; master \(r.masterMicrosecondsPerSent) us per advert sent; machine \(r.machineMicroseconds) us")
                }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        if CommandLine.arguments.contains("--forwarding-only") {
            do {
                let paths: [ForwardingPath] = Self.option("--paths").map { $0.split(separator: ",").compactMap { ForwardingPath(flag: String($0)) } } ?? [.xdp]
                let results = try await ForwardingBenchmark(paths: paths, frameSizes: quick ? [64] : [64, 512, 1514],
                                                            trials: quick ? 1 : 3, window: quick ? 1 : 2).run()
                let run = ForwardingRun(environment: Self.option("--environment") ?? "host",
                                        machine: BenchReport.Machine.current(), results: results)
                if let file = Self.option("--forwarding-json") {
                    let encoder = JSONEncoder()
                    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                    try encoder.encode(run).write(to: URL(fileURLWithPath: file))
                }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        if CommandLine.arguments.contains("--packet-cost-only") {
            do {
                for row in try await PacketCostBenchmark(calls: quick ? 100_000 : 1_000_000).run() {
                    print("\(row.name): median \(row.medianNanoseconds) ns, p90 \(row.p90Nanoseconds) ns, over floor \(row.overFloorNanoseconds) ns (target \(row.target))")
                }
            } catch { log("failed: \(error)"); exit(1) }
            return
        }
        let output = URL(fileURLWithPath: option("--output") ?? "Benchmarks/results")
        do {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let settings = quick ? [FailoverSetting(version: 3, interval: 0.1)]
                : [FailoverSetting(version: 2, interval: 1), FailoverSetting(version: 3, interval: 0.1),
                   FailoverSetting(version: 3, interval: 0.01)]
            let failover = try await FailoverBenchmark(settings: settings, trials: quick ? 1 : 3).run()
            let cost = try await AdvertCostBenchmark(window: quick ? .seconds(2) : .seconds(5)).run()
            let packets = try await PacketCostBenchmark(calls: quick ? 100_000 : 1_000_000).run()
            var report = BenchReport(machine: BenchReport.Machine.current(), failover: failover, advertCost: cost,
                                     packetCost: packets)
            let hostForwarding = try await ForwardingBenchmark(paths: [.xdp], frameSizes: quick ? [64] : [64, 512, 1514],
                                                               trials: quick ? 1 : 3, window: quick ? 1 : 2).run()
            report.forwarding = [ForwardingRun(environment: "host", machine: report.machine, results: hostForwarding)]
            // The IPVS half ran before in the qemu guest (make bench), written as JSON.
            if let file = option("--guest-forwarding") {
                if let data = FileManager.default.contents(atPath: file) {
                    report.forwarding.append(try JSONDecoder().decode(ForwardingRun.self, from: data))
                } else {
                    log("no guest forwarding results at \(file): the XDP/IPVS comparison is missing")
                }
            }
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
