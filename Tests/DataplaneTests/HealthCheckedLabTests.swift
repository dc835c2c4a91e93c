// `xdpha run` on the LVS-DR lab's director with HTTP_GET checks on the three reals, driven as an
// operator would: the built binary, a keepalived.conf, SIGHUP, a client sending requests all along.
//
// One story, in order:
// 1. One real's HTTP service stops: the checker takes it out of the XDP maps within delay_loop +
//    retry x (delay_before_retry + connect_timeout), and from then on every request of the
//    client is answered by the others. It restarts: it is back in the maps and takes requests.
// 2. (reload) inhibit_on_failure: a stopped real stays in the table at weight 0 and takes no new
//    request; `xdpha status` reports it "inhibited".
// 3. (reload) quorum 2 over two reals with the third as sorry_server: one real stops, quorum is
//    lost, and the sorry server answers every request.
import Foundation
import NetLab
import Testing

private let timing = """
            delay_loop 1
            retry 1
            delay_before_retry 0.2
            connect_timeout 1
    """

/// The bound a removal must meet: delay_loop + retry x (delay_before_retry + connect_timeout).
private let removalBound = 1 + 1 * (0.2 + 1.0)

private func checked(_ real: String, weight: Int = 1) -> String {
    """
        real_server \(real) 80 {
            weight \(weight)
            HTTP_GET {
                url {
                    path /
                    status_code 200
                }
                http_protocol 1.0
            }
        }

    """
}

private func configuration(reals: [String], options: String = "") -> String {
    "virtual_server \(LVSDRLab.vip) 80 {\n    lvs_sched mh\n    mh-port\n    lb_kind DR\n    protocol TCP\n"
        + timing + "\n" + options + reals.map { checked($0) }.joined() + "}\n"
}

@Suite(.enabled(if: Lab.unavailableReason == nil && FileManager.default.fileExists(atPath: LVSDRLab.xdpha.path)),
       .serialized)
struct HealthCheckedLabTests {
    @Test func aFailedRealLeavesTheMapsTheOthersKeepAnsweringAndItReturns() async throws {
        let lab = try await LVSDRLab("hclab")
        defer { lab.tearDown() }
        let stateDirectory = lab.scripts.appendingPathComponent("state").path
        let configFile = lab.scripts.appendingPathComponent("keepalived.conf")
        try configuration(reals: LVSDRLab.reals).write(to: configFile, atomically: true, encoding: .utf8)
        let log = lab.scripts.appendingPathComponent("xdpha.log")
        let daemon = try lab.lab.spawn(lab.director, [LVSDRLab.xdpha.path, "run", "-f", configFile.path,
                                                      "--state-dir", stateDirectory, "--pin-dir", lab.pins],
                                       log: log, hostBPF: true)
        defer { if daemon.isRunning { kill(daemon.processIdentifier, SIGTERM); daemon.waitUntilExit() } }
        func daemonLog() -> String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

        /// Each real in the pinned maps with its weight.
        func held() -> [String: Int] {
            guard let output = try? lab.xdpha(["status", "--services", "--pin-dir", lab.pins], check: false).output else { return [:] }
            var reals: [String: Int] = [:]
            for line in output.split(separator: "\n") {
                let words = line.split(separator: " ")
                guard words.count >= 4, words[0] == "->", let weight = Int(words[3]) else { continue }
                reals[String(words[1].split(separator: ":")[0])] = weight
            }
            return reals
        }
        func waitFor(_ what: String, seconds: Double, _ condition: () -> Bool) throws -> Double {
            let started = Date()
            try waitUntil(what, seconds: seconds, condition)
            return Date().timeIntervalSince(started)
        }
        let all = Dictionary(uniqueKeysWithValues: LVSDRLab.reals.map { ($0, 1) })
        _ = try waitFor("the daemon holds the three reals\n\(daemonLog())", seconds: 15) { held() == all }

        /// steady.py: the client sends one request after another for `seconds`.
        func startLoad(seconds: Int, firstPort: Int) throws -> (Process, URL) {
            let output = lab.scripts.appendingPathComponent("load-\(firstPort).log")
            let process = try lab.lab.spawn(lab.client, ["python3", "-u", lab.scripts.appendingPathComponent("steady.py").path,
                                                         LVSDRLab.vip, "\(seconds)", "\(firstPort)", "2000"], log: output)
            return (process, output)
        }
        func answers(_ output: URL) -> [HTTPLabPrograms.Answer] {
            HTTPLabPrograms.answers((try? String(contentsOf: output, encoding: .utf8)) ?? "")
        }

        // 1. rs3's HTTP service stops while the client sends requests; the checker takes it out.
        let (load, loadOutput) = try startLoad(seconds: 9, firstPort: 20000)
        try await Task.sleep(for: .seconds(1.5))
        let stopped = Date().timeIntervalSince1970
        try lab.stopResponder(2)
        let removal = try waitFor("rs3 leaves the maps\n\(daemonLog())", seconds: removalBound + 2) {
            held() == ["192.0.2.11": 1, "192.0.2.12": 1]
        }
        let removedAt = Date().timeIntervalSince1970
        print("health-checked LVS-DR lab: rs3 left the maps \(String(format: "%.2f", removal)) s after its HTTP service "
              + "stopped (bound: delay_loop + retry x (delay_before_retry + connect_timeout) = \(removalBound) s)")
        #expect(removal <= removalBound + 0.5, "removed within one check cycle and its retry")
        load.waitUntilExit()
        let first = answers(loadOutput)
        // A request still in flight when the service stops may fail; it belongs to "during".
        let before = first.filter { $0.ended < stopped }, after = first.filter { $0.started > removedAt }
        let during = first.filter { $0.ended >= stopped && $0.started <= removedAt }
        print("   requests: \(before.count) before the stop (\(before.filter(\.failed).count) failed), "
              + "\(during.count) until the removal (\(during.filter(\.failed).count) failed), "
              + "\(after.count) after it (\(after.filter(\.failed).count) failed)")
        #expect(before.count > 20 && after.count > 50, "the client kept sending: \(before.count), \(after.count)")
        #expect(before.allSatisfy { !$0.failed } && Set(before.map(\.answer)) == ["rs1", "rs2", "rs3"],
                "\(before.filter(\.failed).prefix(5).map { "\($0.answer) at \($0.started)-\($0.ended), stop at \(stopped)" })")
        #expect(after.allSatisfy { !$0.failed }, "\(after.filter(\.failed).prefix(5).map(\.answer))")
        #expect(Set(after.map(\.answer)) == ["rs1", "rs2"])

        // ... and comes back when its service does.
        try lab.startResponder(2)
        let back = try waitFor("rs3 returns to the maps\n\(daemonLog())", seconds: 3) { held() == all }
        print("   rs3 back in the maps \(String(format: "%.2f", back)) s after its service restarted")
        let returned = try lab.requests(300, fromPort: 23000)
        #expect(returned.values.allSatisfy { $0.hasPrefix("rs") } && returned.values.contains("rs3"))
        #expect(daemonLog().contains("192.0.2.13]:80 of VS 192.0.2.50:80/TCP: down, taken out of the pool"))

        // 2. inhibit_on_failure (reload): rs2 stops and stays in the table at weight 0.
        try configuration(reals: LVSDRLab.reals, options: "    inhibit_on_failure\n")
            .write(to: configFile, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        try await Task.sleep(for: .milliseconds(500))
        try lab.stopResponder(1)
        _ = try waitFor("rs2 is held at weight 0\n\(daemonLog())", seconds: removalBound + 2) {
            held() == ["192.0.2.11": 1, "192.0.2.12": 0, "192.0.2.13": 1]
        }
        let inhibited = try lab.requests(300, fromPort: 24000)
        #expect(inhibited.values.allSatisfy { $0 == "rs1" || $0 == "rs3" }, "\(Set(inhibited.values))")
        let status = try lab.xdpha(["status", "--state-dir", stateDirectory]).output
        print(status)
        #expect(status.contains("-> [192.0.2.12]:80  inhibited  weight 0"))
        #expect(status.contains("-> [192.0.2.11]:80  up  weight 1"))
        try lab.startResponder(1)
        _ = try waitFor("rs2 back at weight 1", seconds: 3) { held() == all }

        // 3. quorum 2 over rs1 + rs2, rs3 the sorry server (reload): rs1 stops, quorum is lost.
        let sorryConfig = "virtual_server \(LVSDRLab.vip) 80 {\n    lvs_sched mh\n    mh-port\n    lb_kind DR\n    protocol TCP\n"
            + timing + "\n    quorum 2\n    sorry_server 192.0.2.13 80\n" + checked("192.0.2.11") + checked("192.0.2.12") + "}\n"
        try sorryConfig.write(to: configFile, atomically: true, encoding: .utf8)
        kill(daemon.processIdentifier, SIGHUP)
        _ = try waitFor("the reload leaves rs1 and rs2\n\(daemonLog())", seconds: 3) {
            held() == ["192.0.2.11": 1, "192.0.2.12": 1]
        }
        try lab.stopResponder(0)
        _ = try waitFor("the sorry server takes the pool\n\(daemonLog())", seconds: removalBound + 2) {
            held() == ["192.0.2.13": 1]
        }
        let sorry = try lab.requests(200, fromPort: 25000)
        #expect(sorry.count == 200 && sorry.values.allSatisfy { $0 == "rs3" }, "\(Set(sorry.values))")
        #expect(daemonLog().contains("quorum lost, sorry server [192.0.2.13]:80 takes the traffic"))

        kill(daemon.processIdentifier, SIGTERM)
        daemon.waitUntilExit()
        #expect(!daemonLog().contains("Fatal error"), "\(daemonLog())")
        _ = try? lab.xdpha(["detach", "ens33", "--unpin", "--pin-dir", lab.pins], check: false)
    }
}
