// Failover gap as a client sees it (ping every 2 ms): the master's link cut (hard fault) and the
// master stopped with SIGTERM (graceful: priority 0), for xdpha and keepalived with the same
// configuration, side by side in one run.
import Foundation
import NetLab

struct FailoverSetting: Codable, Hashable {
    var version: Int
    var interval: Double   // seconds

    var label: String { "v\(version) advert \(interval < 1 ? "\(Int(interval * 1000)) ms" : "\(Int(interval)) s")" }

    /// 3 x advert + skew (for the backup's priority 100), the RFC's master-down interval.
    var masterDownInterval: Double { 3 * interval + skew }
    var skew: Double { version == 2 ? (256 - 100) / 256.0 : (256 - 100) * interval / 256 }

    /// The settings the issue names: v2 at 1 s, v3 at 100 ms and 10 ms (--quick: v3 at 100 ms).
    static func standard(quick: Bool) -> [FailoverSetting] {
        quick ? [FailoverSetting(version: 3, interval: 0.1)]
            : [FailoverSetting(version: 2, interval: 1), FailoverSetting(version: 3, interval: 0.1),
               FailoverSetting(version: 3, interval: 0.01)]
    }
}

enum Fault: String, Codable, CaseIterable { case hard, graceful }

struct FailoverResult: Codable {
    var implementation: Implementation
    var setting: FailoverSetting
    var fault: Fault
    /// Longest silence per trial, seconds.
    var gaps: [Double]
    var target: Double
    var median: Double { gaps.sorted()[gaps.count / 2] }
}

struct FailoverBenchmark {
    let settings: [FailoverSetting]
    let trials: Int

    func run() async throws -> [FailoverResult] {
        var results: [FailoverResult] = []
        for setting in settings {
            for fault in Fault.allCases {
                for implementation in Implementation.allCases {
                    var gaps: [Double] = []
                    for trial in 0..<trials {
                        let gap = try await measure(implementation, setting, fault)
                        gaps.append(gap)
                        Bench.log("failover \(implementation) \(setting.label) \(fault) trial \(trial + 1): \(String(format: "%.1f", gap * 1000)) ms")
                    }
                    let target = fault == .hard ? setting.masterDownInterval + 0.005 : setting.skew + 0.005
                    results.append(FailoverResult(implementation: implementation, setting: setting, fault: fault,
                                                  gaps: gaps, target: target))
                }
            }
        }
        return results
    }

    private func config(_ setting: FailoverSetting, priority: Int) -> String {
        """
        global_defs {
            vrrp_version \(setting.version)
            vrrp_garp_master_delay 0
        }
        vrrp_instance VI_BENCH {
            state BACKUP
            interface eth0
            virtual_router_id 77
            priority \(priority)
            advert_int \(setting.interval)
            virtual_ipaddress {
                192.0.2.50/24
            }
        }

        """
    }

    private func measure(_ implementation: Implementation, _ setting: FailoverSetting, _ fault: Fault) async throws -> Double {
        let segment = try VRRPSegment("fo")
        defer { segment.tearDown() }
        try segment.start(implementation, router: 0, config: config(setting, priority: 200))
        guard await segment.waitUntil(.seconds(setting.masterDownInterval * 2 + 3), { segment.holds(0, "192.0.2.50") }) else {
            throw BenchError("router 0 (\(implementation)) never became master")
        }
        try segment.start(implementation, router: 1, config: config(setting, priority: 100))
        // Let the backup settle (it learns the master's interval from its adverts).
        try await Task.sleep(for: .seconds(max(1, setting.interval * 4)))
        try segment.client.run("ping", "-c", "1", "-W", "1", "192.0.2.50")

        let window = setting.masterDownInterval + 1.5
        let probe = try ReachabilityProbe(from: segment.client, to: "192.0.2.50",
                                          duration: .milliseconds(Int(window * 1000)))
        try await Task.sleep(for: .milliseconds(300))
        switch fault {
        case .hard: try segment.routers[0].run("ip", "link", "set", "eth0", "down")
        case .graceful: await segment.stop(0)
        }
        let report = probe.finish()
        guard segment.holds(1, "192.0.2.50") else { throw BenchError("router 1 (\(implementation)) did not take over") }
        return report.longestGap
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
