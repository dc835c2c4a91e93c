// `make bench` (lab part): VRRP failover and advert reception cost, xdpha against keepalived in
// one run, written to Benchmarks/results/ as JSON and a Markdown table.
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
        let output = URL(fileURLWithPath: CommandLine.arguments.drop { $0 != "--output" }.dropFirst().first ?? "Benchmarks/results")
        do {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
            let settings = quick ? [FailoverSetting(version: 3, interval: 0.1)]
                : [FailoverSetting(version: 2, interval: 1), FailoverSetting(version: 3, interval: 0.1),
                   FailoverSetting(version: 3, interval: 0.01)]
            let failover = try await FailoverBenchmark(settings: settings, trials: quick ? 1 : 3).run()
            let cost = try await AdvertCostBenchmark(window: quick ? .seconds(2) : .seconds(5)).run()
            let packets = try await PacketCostBenchmark(calls: quick ? 100_000 : 1_000_000).run()
            let report = BenchReport(machine: BenchReport.Machine.current(), failover: failover, advertCost: cost,
                                     packetCost: packets)
            try report.write(to: output)
            print(report.markdown)
        } catch {
            log("failed: \(error)")
            exit(1)
        }
    }
}
