// The bench's output: one summary of every figure of a `make bench` run (VRRP failover and
// advert cost, per-packet cost, forwarding through the director on the host and in the qemu
// guest, the checkers' package benchmarks) as JSON for machines and Markdown for people, the
// machine and kernel named in both and in every plot (BenchPlots).
import Foundation

struct BenchReport: Codable {
    struct Machine: Codable {
        var kernel: String
        var cpus: Int
        var cpuModel: String
        var date: String

        static func current() -> Machine {
            var name = utsname()
            uname(&name)
            let release = withUnsafeBytes(of: name.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
            let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }?
                .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown"
            return Machine(kernel: release, cpus: ProcessInfo.processInfo.activeProcessorCount, cpuModel: model,
                           date: ISO8601DateFormatter().string(from: Date()))
        }
    }

    var machine: Machine
    var failover: [FailoverResult]
    var advertCost: [AdvertCostResult]
    var packetCost: [PacketCostResult]
    /// The host's run and, when the qemu guest ran, the guest's (the only place IPVS exists).
    var forwarding: [ForwardingRun] = []
    /// package-benchmark's Markdown for the checkers (Benchmarks/HealthCheckBenchmarks), when given.
    var checkers: String?
    /// 1,000 reals checked every second (TCP_CHECK, HTTP_GET): the checking process's CPU.
    var checkerScale: [CheckerScaleResult]?

    func write(to directory: URL) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(self).write(to: directory.appendingPathComponent("summary.json"))
        try markdown.write(to: directory.appendingPathComponent("summary.md"), atomically: true, encoding: .utf8)
    }

    /// Rewrites one part of the report in `directory` (the --*-only runs), keeping the others.
    static func update(in directory: URL, _ change: (inout BenchReport) -> Void) throws {
        let json = directory.appendingPathComponent("summary.json")
        // A directory without a summary yet starts one with this part alone.
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var report = FileManager.default.fileExists(atPath: json.path)
            ? try JSONDecoder().decode(BenchReport.self, from: Data(contentsOf: json))
            : BenchReport(machine: Machine.current(), failover: [], advertCost: [], packetCost: [])
        change(&report)
        report.machine = Machine.current()
        try report.write(to: directory)
    }

    var machineLine: String { "\(machine.cpuModel), \(machine.cpus) CPUs, Linux \(machine.kernel), \(machine.date)" }

    var markdown: String {
        var lines = ["# xdpha benchmarks (`make bench`)", "",
                     "Machine: \(machineLine).",
                     "All figures measured side by side in one run on this (noisy, shared) machine.",
                     "Plots: forwarding.png, failover.png, packet-cost.png.", ""]
        lines += forwardingMarkdown
        lines += ["",
                     "## Failover gap seen by a client probing the VIP every 2 ms (median of trials, ms)", ""]
        let keys = Set(failover.map { "\($0.setting.label)|\($0.fault.rawValue)" })
        lines += MarkdownTable.lines(["setting", "fault", "xdpha", "keepalived", "target", "xdpha trials", "keepalived trials"],
                                     keys.sorted().map { key in
            let parts = key.split(separator: "|").map(String.init)
            let rows = failover.filter { "\($0.setting.label)|\($0.fault.rawValue)" == key }
            let x = rows.first { $0.implementation == .xdpha }, k = rows.first { $0.implementation == .keepalived }
            func ms(_ v: Double?) -> String { v.map { String(format: "%.1f", $0 * 1000) } ?? "-" }
            func all(_ r: FailoverResult?) -> String { r?.gaps.map { String(format: "%.1f", $0 * 1000) }.joined(separator: " ") ?? "-" }
            return [parts[0], parts[1], ms(x?.median), ms(k?.median), ms(x?.target), all(x), all(k)]
        })
        lines += ["", "Target: hard fault within 3 x advert + skew + 5 ms; graceful stop within skew + 5 ms.",
                  "The gap includes the client's re-learning of the VIP's MAC from the new master's gratuitous ARP.",
                  "The probe (NetLab.ReachabilityProbe) sends an ICMP echo every 2 ms on its own clock and takes the kernel's",
                  "arrival stamp of each reply: the gap is known to within one interval. (ping -i 0.002 waits 10 ms between",
                  "requests while a reply is outstanding, so during an outage it probes every 10 ms and overstated gaps.)", "",
                  "## Advert reception: 255 VRIDs at 10 ms from an xdpha master (microseconds per advert)", ""]
        func us(_ v: Double) -> String { String(format: "%.2f", v) }
        lines += MarkdownTable.lines(["backup", "adverts", "backup process", "XDP program", "backup total", "whole machine",
                                      "master per advert sent"], advertCost.map { r in
            [r.receiver.rawValue, "\(Int(r.adverts))", us(r.backupProcessMicroseconds), us(r.xdpMicroseconds),
             us(r.perAdvertMicroseconds), us(r.machineMicroseconds), us(r.masterMicrosecondsPerSent)]
        })
        lines += ["", "The bridge's ports poll in kernel threads of their own (threaded NAPI), so the switch's",
                  "forwarding and the receivers' kernel work are not charged to the master that sent (as on a",
                  "real segment, where they happen in the switch and in the other routers). The backup's",
                  "kernel receive work is not in its process time either: the XDP column is the program's own",
                  "run time (kernel.bpf_stats_enabled), and the whole-machine column bounds everything (both",
                  "routers, the bridge and the kernel) per advert. Targets: XDP path at most 1 us per advert",
                  "received; master at most 10 us per advert sent.", "",
                  "## Per-packet cost of every XDP program and stage (BPF_PROG_TEST_RUN, repeat = 1 per call, ns)", ""]
        lines += MarkdownTable.lines(["frame", "calls", "median", "p90", "over the floor", "target"], packetCost.map { r in
            [r.name, "\(r.calls)", "\(Int(r.medianNanoseconds))", "\(Int(r.p90Nanoseconds))", "\(Int(r.overFloorNanoseconds))", r.target]
        })
        lines += ["", "The kernel's own duration per call (its test-run timer), medians over all calls; the floor",
                  "swaps MACs and returns XDP_TX, and each DR row is set against the floor calls interleaved with",
                  "its own (slices of 10,000). The new-flow rows give every call a new client address and port:",
                  "a connection's first frame (SYN), or a frame of a connection the table does not know (ACK)."]
        if let checkerScale {
            lines += ["", "## Checkers at scale: 1,000 reals on loopback, each checked every second", ""]
            lines += MarkdownTable.lines(["checker", "reals", "connects/s", "CPU, % of one core", "of which user", "memory added, MiB",
                                          "down events", "target"], checkerScale.map { r in
                [r.checker, "\(r.reals)", r.connectsPerSecond.map { String(format: "%.0f", $0) } ?? "-",
                 String(format: "%.1f", r.cpuPercent), String(format: "%.1f", r.userPercent),
                 r.rssAddedMiB.map { String(format: "%.1f", $0) } ?? "-", "\(r.downEvents)", r.checker == "TCP_CHECK" ? "under 10%" : "-"]
            })
            lines += ["", "CPU = getrusage of the checking process (release build) over the window; the listeners",
                      "run in a separate process. The kernel's loopback work for the peer's half of each handshake",
                      "is charged to whichever process raised the softirq, mostly ours on a quiet machine and less",
                      "on a busy one (ksoftirqd takes it): compare variants side by side, at the same load.",
                      "Memory added = the process's resident set at the end of the window minus before the",
                      "monitor and its 1,000 checkers were made.",
                      "From the full run, or from `xdpha-bench --checker-scale-only --output DIR` (which redates this file)."]
        }
        lines += ["", "## Health checkers (package-benchmark, Benchmarks/HealthCheckBenchmarks)", ""]
        lines += [checkers ?? "Not run (xdpha-bench was started without --checker-results)."]
        return lines.joined(separator: "\n") + "\n"
    }
}
