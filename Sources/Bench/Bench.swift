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
        if let part = part {
            do { try await part(quick) } catch { log("failed: \(error)"); exit(1) }
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
