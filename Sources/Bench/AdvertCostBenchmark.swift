// What receiving adverts costs a backup: 255 VRIDs at 10 ms adverts from an xdpha master, the
// backup being xdpha on the XDP path, xdpha on the raw socket, or keepalived. Cost = the backup's
// process CPU (plus, on the XDP path, the program's own run time from BPF statistics) per advert.
import Foundation
import NetLab

enum Receiver: String, CaseIterable, Codable {
    /// No backup: the master's own cost per advert, without a receiver's kernel work charged to it.
    case none = "none (master alone)"
    case xdphaXDP = "xdpha (XDP)"
    case xdphaSocket = "xdpha (socket)"
    case keepalived

    /// --receivers names: none, xdp, socket, keepalived.
    init?(flag: String) {
        switch flag {
        case "none": self = .none
        case "xdp": self = .xdphaXDP
        case "socket": self = .xdphaSocket
        case "keepalived": self = .keepalived
        default: return nil
        }
    }
}

struct AdvertCostResult: Codable {
    var receiver: Receiver
    var adverts: Double
    var backupProcessMicroseconds: Double
    var xdpMicroseconds: Double
    var machineMicroseconds: Double
    var masterMicrosecondsPerSent: Double
    var perAdvertMicroseconds: Double { backupProcessMicroseconds + xdpMicroseconds }
}

struct AdvertCostBenchmark {
    var instances = 255
    var interval = 0.01
    var window: Duration = .seconds(5)

    func config(priority: Int) -> String {
        var text = "global_defs {\n    vrrp_version 3\n    vrrp_garp_master_delay 0\n}\n"
        for vrid in 1...instances {
            text += """
            vrrp_instance VI_\(vrid) {
                state BACKUP
                interface eth0
                virtual_router_id \(vrid)
                priority \(priority)
                advert_int \(interval)
                virtual_ipaddress {
                    203.0.113.\(vrid)/32
                }
            }

            """
        }
        return text
    }

    func run() async throws -> [AdvertCostResult] {
        _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check: false)
        defer { _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=0"], check: false) }
        var results: [AdvertCostResult] = []
        for receiver in Receiver.allCases {
            results.append(try await measure(receiver))
        }
        return results
    }

    /// The XDP receiver once more with another BPF object (`xdpha run --bpf-object`), to
    /// compare two versions of the program in one run (--compare-xdp OBJ); printed, not reported.
    func measureXDP(object: String?) async throws -> AdvertCostResult {
        _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check: false)
        defer { _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=0"], check: false) }
        return try await measure(.xdphaXDP, objectPath: object)
    }

    /// Two xdpha builds side by side (--compare-binary PATH): for each receiver asked for, the
    /// master and the xdpha backup run this build's binary or PATH, in alternating rounds (the
    /// machine's load drifts); prints each figure's rounds, medians and this / other.
    func compare(with other: URL, receivers: [Receiver], rounds: Int) async throws {
        _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=1"], check: false)
        defer { _ = try? Command.run(["sysctl", "-qw", "kernel.bpf_stats_enabled=0"], check: false) }
        var mine: [Receiver: [AdvertCostResult]] = [:], theirs: [Receiver: [AdvertCostResult]] = [:]
        for _ in 0..<rounds {
            for receiver in receivers {
                mine[receiver, default: []].append(try await measure(receiver))
                theirs[receiver, default: []].append(try await measure(receiver, binary: other))
            }
        }
        let median = { (values: [Double]) in values.sorted()[values.count / 2] }
        let list = { (values: [Double]) in values.map { String(format: "%.2f", $0) }.joined(separator: " ") }
        for receiver in receivers {
            let figures: [(String, KeyPath<AdvertCostResult, Double>)] = [
                ("master per advert sent", \.masterMicrosecondsPerSent),
                ("backup per advert (process + XDP)", \.perAdvertMicroseconds),
                ("XDP program per advert", \.xdpMicroseconds),
                ("whole machine per advert", \.machineMicroseconds),
            ]
            for (name, path) in figures {
                let a = mine[receiver, default: []].map { $0[keyPath: path] }
                let b = theirs[receiver, default: []].map { $0[keyPath: path] }
                guard !a.isEmpty, median(b) > 0 || median(a) > 0 else { continue }
                print(String(format: "%@, %@ (us): this build %@ (median %.2f); %@ %@ (median %.2f); this / other %.2f",
                             receiver.rawValue, name, list(a), median(a), other.lastPathComponent, list(b), median(b),
                             median(a) / max(median(b), 1e-9)))
            }
        }
    }

    private func measure(_ receiver: Receiver, objectPath: String? = nil,
                         binary: URL = Bench.xdphaBinary) async throws -> AdvertCostResult {
        let segment = try VRRPSegment("adv")
        defer { segment.tearDown() }
        try segment.switchInItsOwnThreads()
        let master = try segment.start(.xdpha, router: 0, config: config(priority: 200), binary: binary)
        guard await segment.waitUntil(.seconds(10), { segment.holds(0, "203.0.113.\(instances)") }) else {
            throw BenchError("the master did not take its \(instances) VIPs")
        }
        let backup: Process?
        switch receiver {
        case .none: backup = nil
        case .xdphaXDP:
            let object = objectPath.map { ["--bpf-object", $0] } ?? []
            backup = try segment.start(.xdpha, router: 1, config: config(priority: 100), arguments: ["--vrrp-rx", "xdp"] + object,
                                       binary: binary)
        case .xdphaSocket:
            backup = try segment.start(.xdpha, router: 1, config: config(priority: 100), arguments: ["--vrrp-rx", "socket"],
                                       binary: binary)
        case .keepalived: backup = try segment.start(.keepalived, router: 1, config: config(priority: 100))
        }
        try await Task.sleep(for: .seconds(3))

        let programID = xdpProgramID(segment.routers[1])
        let bpfBefore = programID.flatMap(CPUAccounting.bpfProgramStats)
        let backupBefore = backup.map { CPUAccounting.processTreeSeconds($0.processIdentifier) } ?? 0
        let masterBefore = CPUAccounting.processTreeSeconds(master.processIdentifier)
        let machineBefore = CPUAccounting.machineBusySeconds()
        let sentBefore = advertsSent(segment, router: 0)
        try await Task.sleep(for: window)
        let sent = advertsSent(segment, router: 0) - sentBefore
        let machine = CPUAccounting.machineBusySeconds() - machineBefore
        let masterCPU = CPUAccounting.processTreeSeconds(master.processIdentifier) - masterBefore
        let backupCPU = (backup.map { CPUAccounting.processTreeSeconds($0.processIdentifier) } ?? 0) - backupBefore
        var xdpSeconds = 0.0
        if let before = bpfBefore, let id = programID, let after = CPUAccounting.bpfProgramStats(id: id) {
            xdpSeconds = (after.nanoseconds - before.nanoseconds) / 1e9
        }
        guard sent > 0 else { throw BenchError("the master sent no adverts") }
        let result = AdvertCostResult(receiver: receiver, adverts: sent,
                                      backupProcessMicroseconds: backupCPU / sent * 1e6,
                                      xdpMicroseconds: xdpSeconds / sent * 1e6,
                                      machineMicroseconds: machine / sent * 1e6,
                                      masterMicrosecondsPerSent: masterCPU / sent * 1e6)
        Bench.log("advert cost \(receiver.rawValue) [\(binary.path)]: \(Int(sent)) adverts, master \(String(format: "%.2f", result.masterMicrosecondsPerSent)) us/sent, backup \(String(format: "%.2f", result.perAdvertMicroseconds)) us/advert")
        return result
    }

    private func xdpProgramID(_ ns: NetworkNamespace) -> Int? {
        guard let out = try? ns.run("ip", "-j", "link", "show", "dev", "eth0").output,
              let list = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]],
              let xdp = list.first?["xdp"] as? [String: Any],
              let prog = xdp["prog"] as? [String: Any] else { return nil }
        return (prog["id"] as? NSNumber)?.intValue
    }

    private func advertsSent(_ segment: VRRPSegment, router: Int) -> Double {
        let state = segment.work.appendingPathComponent("state\(router)").path
        guard let out = try? segment.routers[router].run([Bench.xdphaBinary.path, "status", "--json", "--state-dir", state]).output,
              let object = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any],
              let instances = object["instances"] as? [[String: Any]] else { return 0 }
        return instances.compactMap { ($0["advertsSent"] as? NSNumber)?.doubleValue }.reduce(0, +)
    }
}
