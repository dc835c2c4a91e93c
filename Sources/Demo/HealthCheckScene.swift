// Scene 4: health checks take a failed real server out. dir2 (its VRRP daemon of scene 2 stopped)
// runs `xdpha run` with one virtual server, 192.0.2.60:80, whose three reals are checked with
// HTTP_GET every second. The client sends batches of requests all along; rs3's HTTP service is
// stopped, the checker takes it out of the XDP maps, and the requests go on to rs1 and rs2; rs3's
// service restarts and it comes back. The daemon's log lines are shown as they appear.
import BPF
import Foundation
import NetLab

struct HealthCheckScene {
    static let vip = "192.0.2.60"
    let topology: DemoTopology
    let workDirectory: URL

    private var director: NetworkNamespace { topology.directors[1] }
    private var pins: String { DemoTopology.pinDirectory(lab: topology.lab, director: 2) }
    private var stateDirectory: String { workDirectory.appendingPathComponent("state-dir2").path }
    private let reals = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]

    static func config(reals: [String]) -> String {
        var text = """
            virtual_server \(vip) 80 {
                lvs_sched mh
                mh-port
                lb_kind DR
                protocol TCP
                delay_loop 1
                retry 1
                delay_before_retry 0.2
                connect_timeout 1

            """
        for real in reals {
            text += """
                    real_server \(real) 80 {
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
        return text + "}\n"
    }

    func play() async throws {
        let binary = DemoTopology.xdphaBinary
        guard FileManager.default.fileExists(atPath: binary.path) else {
            print("\n== Health check scene skipped: \(binary.path) is not built (run `make demo`, which builds it)")
            return
        }
        print("\n== Health checks: dir2 runs `xdpha run` with virtual_server \(Self.vip):80 (lb_kind DR, mh with mh-port), "
              + "HTTP_GET on each real every second (delay_loop 1, retry 1, delay_before_retry 0.2)")
        try await prepareSite()
        let files = workDirectory.appendingPathComponent("health")
        try FileManager.default.createDirectory(at: files, withIntermediateDirectories: true)
        try HTTPLabPrograms.write(to: files)
        var responders = try reals.indices.map { try topology.startResponder($0, programs: files) }
        defer { for responder in responders { topology.stop(responder) } }

        let configFile = files.appendingPathComponent("keepalived.conf")
        try Self.config(reals: reals).write(to: configFile, atomically: true, encoding: .utf8)
        let log = files.appendingPathComponent("xdpha.log")
        let daemon = try topology.lab.spawn(director, [binary.path, "run", "-f", configFile.path, "--state-dir", stateDirectory,
                                                       "--pin-dir", pins], log: log, hostBPF: true)
        defer { topology.stop(daemon) }
        var shown = 0
        /// Prints the daemon's log lines about health and steering that appeared since the last call.
        func showLog() {
            let lines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n")
            for line in lines.dropFirst(shown) where line.contains("real server") || line.contains("DR steering") {
                print("   dir2 log: " + (line.range(of: "] ").map { String(line[$0.upperBound...]) } ?? String(line)))
            }
            shown = lines.count
        }
        guard await waitUntil(.seconds(10), { held() == Set(reals) }) else {
            let status = (try? Command.run(["nsenter", "--net=/run/netns/\(director.name)", binary.path, "status", "--services",
                                            "--pin-dir", pins], check: false).output) ?? ""
            throw DemoError("dir2 did not program the three reals:\n" + ((try? String(contentsOf: log, encoding: .utf8)) ?? "") + status)
        }
        showLog()

        let started = Date()
        func batch() throws {
            var counts: [String: Int] = [:]
            for answer in try topology.requests(60, to: Self.vip, programs: files) { counts[answer.hasPrefix("rs") ? answer : "failed", default: 0] += 1 }
            let cells = ["rs1", "rs2", "rs3", "failed"].map { "\($0) \(String(format: "%2d", counts[$0] ?? 0))" }
            print(String(format: "   t=%4.1fs  ", Date().timeIntervalSince(started)) + cells.joined(separator: "   ")
                  + "   maps: " + held().sorted().map { "rs\(reals.firstIndex(of: $0)! + 1)" }.joined(separator: " "))
            showLog()
        }
        print("-- the client sends 60 new connections per line; all three reals answer")
        for _ in 0..<3 { try batch() }
        print("-- rs3's HTTP service stops (its responder is killed); the checker notices on its next check")
        kill(responders[2].processIdentifier, SIGKILL)
        responders[2].waitUntilExit()
        let stoppedAt = Date()
        var removedAfter: Double?
        for _ in 0..<12 {
            try batch()
            if removedAfter == nil, !held().contains(reals[2]) { removedAfter = Date().timeIntervalSince(stoppedAt) }
            if let removedAfter, Date().timeIntervalSince(stoppedAt) > removedAfter + 2 { break }
        }
        if let removedAfter {
            print("-- rs3 left the XDP maps within \(String(format: "%.1f", removedAfter)) s; requests go on to rs1 and rs2")
        }
        print("-- `xdpha status` on dir2 (the daemon's control socket):")
        print(indent(try run(binary, ["status", "--state-dir", stateDirectory])))
        print("-- rs3's HTTP service restarts")
        responders[2] = try topology.startResponder(2, programs: files)
        let restartedAt = Date()
        for _ in 0..<8 {
            try batch()
            if held().contains(reals[2]), Date().timeIntervalSince(restartedAt) > 2 { break }
        }
        print("-- dir2: xdpha status --services")
        print(indent(try run(binary, ["status", "--services", "--pin-dir", pins])))
        topology.stop(daemon)
        _ = try? run(binary, ["detach", "ens33", "--unpin", "--pin-dir", pins])
    }

    /// dir2 takes over from scene 2's VRRP daemon: that one stops (by its pid file), the scene's
    /// VIP goes on dir2's ens33 and on the reals' lo (LVS-DR), offload off, XDP on dir2's bridge port.
    private func prepareSite() async throws {
        let pidFile = stateDirectory + "/xdpha.pid"
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(3)
            while kill(pid, 0) == 0 && Date() < deadline { usleep(20_000) }
        }
        try director.addAddress("\(Self.vip)/32", dev: "ens33")
        try director.run("ethtool", "-K", "ens33", "tx", "off")
        for server in topology.realServers {
            try server.run("ip", "addr", "add", "\(Self.vip)/32", "dev", "lo")
            try server.sysctl("net.ipv4.conf.lo.rp_filter", "0")
            try server.sysctl("net.ipv4.conf.ens33.rp_filter", "0")
        }
        let pass = try EntryProgram()
        let fd = await pass.passFD
        try topology.fabric.perform {
            try XDPAttachment.attach(programFD: fd, ifindex: XDPAttachment.ifindex(of: "p-dir2"), mode: .native)
        }
    }

    /// The reals the pinned maps hold for the scene's VIP.
    private func held() -> Set<String> {
        guard let output = try? run(DemoTopology.xdphaBinary, ["status", "--services", "--pin-dir", pins]) else { return [] }
        var held = Set<String>()
        for line in output.split(separator: "\n") {
            let words = line.split(separator: " ")
            guard words.count >= 4, words[0] == "->", let weight = Int(words[3]), weight > 0 else { continue }
            held.insert(String(words[1].split(separator: ":")[0]))
        }
        return held
    }

    /// `xdpha ARGS` in dir2's network namespace only, so its pins stay in the host's /sys/fs/bpf.
    private func run(_ xdpha: URL, _ arguments: [String]) throws -> String {
        try Command.run(["nsenter", "--net=/run/netns/\(director.name)", xdpha.path] + arguments).output
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private func indent(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { "   " + $0 }.joined(separator: "\n")
    }

    private func waitUntil(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return condition()
    }
}
