// Scene 2: two directors run `xdpha run` with one VRRP instance; the client pings the VIP while
// the master's link is cut and restored, and the scene prints how long the VIP went unanswered.
import Foundation
import NetLab

struct VRRPFailoverScene {
    let topology: DemoTopology
    let workDirectory: URL

    static func config(priority: Int) -> String {
        """
        vrrp_instance VI_DEMO {
            state BACKUP
            interface ens33
            virtual_router_id 50
            priority \(priority)
            version 3
            advert_int 0.1
            virtual_ipaddress {
                \(DemoTopology.vip)/24 dev ens33
            }
        }

        """
    }

    func play() async throws {
        print("\n== Scene 2: VRRP between dir1 (priority 150) and dir2 (priority 100), VRRPv3 adverts every 100 ms")
        let lab = topology.lab
        let binary = DemoTopology.xdphaBinary
        for (index, director) in topology.directors.enumerated() {
            let file = workDirectory.appendingPathComponent("dir\(index + 1).conf")
            try VRRPFailoverScene.config(priority: index == 0 ? 150 : 100).write(to: file, atomically: true, encoding: .utf8)
            // Entered with nsenter and pinning its maps where `xdpha attach` will find them, so the
            // DR scene adds its stage to this daemon's program instead of replacing it.
            try lab.spawn(director, [binary.path, "run", "-f", file.path, "--state-dir",
                                     workDirectory.appendingPathComponent("state-dir\(index + 1)").path,
                                     "--pin-dir", DemoTopology.pinDirectory(lab: lab, director: index + 1)],
                          log: workDirectory.appendingPathComponent("dir\(index + 1).log"), hostBPF: true)
        }
        let dir1 = topology.directors[0], dir2 = topology.directors[1]
        guard await waitUntil(.seconds(5), { holds(dir1) && !holds(dir2) }) else {
            throw DemoError("dir1 did not become master:\n" + log("dir1"))
        }
        print("-- dir1 is MASTER and holds \(DemoTopology.vip); `xdpha status` on dir1:")
        let status = try dir1.run([binary.path, "status", "--state-dir",
                                   workDirectory.appendingPathComponent("state-dir1").path])
        print(status.output.split(separator: "\n").map { "   " + $0 }.joined(separator: "\n"))
        try topology.client.run("ping", "-c", "1", "-W", "1", DemoTopology.vip)
        print("-- the client reaches the VIP at \(try macOfVIP()) (dir1's ens33 is \(try dir1.mac("ens33")))")

        print("\n-- cutting dir1's link while the client pings the VIP every 2 ms ...")
        var probe = try ReachabilityProbe(from: topology.client, to: DemoTopology.vip, duration: .seconds(3))
        try await Task.sleep(for: .milliseconds(500))
        try dir1.run("ip", "link", "set", "ens33", "down")
        guard await waitUntil(.seconds(5), { holds(dir2) }) else { throw DemoError("dir2 did not take over:\n" + log("dir2")) }
        var report = probe.finish()
        print("   dir2 took over; the VIP went unanswered for \(ms(report.longestGap)) "
              + "(master-down interval 3 x 100 ms + skew, then gratuitous ARP)")
        print("   the client now reaches the VIP at \(try macOfVIP()) (dir2's ens33 is \(try dir2.mac("ens33")))")

        print("\n-- restoring dir1's link: it has the higher priority and preempts ...")
        probe = try ReachabilityProbe(from: topology.client, to: DemoTopology.vip, duration: .seconds(3))
        try await Task.sleep(for: .milliseconds(500))
        try dir1.run("ip", "link", "set", "ens33", "up")
        guard await waitUntil(.seconds(5), { holds(dir1) && !holds(dir2) }) else {
            throw DemoError("dir1 did not return:\n" + log("dir1"))
        }
        report = probe.finish()
        print("   dir1 is MASTER again; longest silence during the move back: \(ms(report.longestGap))")
    }

    private func holds(_ director: NetworkNamespace) -> Bool {
        let out = (try? director.run("ip", "-o", "addr", "show", "dev", "ens33").output) ?? ""
        return out.contains(" \(DemoTopology.vip)/")
    }

    private func macOfVIP() throws -> String {
        let out = try topology.client.run("ip", "neigh", "show", DemoTopology.vip).output
        return out.split(separator: " ").drop { $0 != "lladdr" }.dropFirst().first.map(String.init) ?? "?"
    }

    private func log(_ name: String) -> String {
        (try? String(contentsOf: workDirectory.appendingPathComponent("\(name).log"), encoding: .utf8)) ?? ""
    }

    private func ms(_ seconds: Double) -> String { String(format: "%.0f ms", seconds * 1000) }

    private func waitUntil(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }
}

struct DemoError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
