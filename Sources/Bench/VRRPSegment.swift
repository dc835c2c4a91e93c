// The benchmark's VRRP segment: two routers and a client on one bridge, each router running
// either xdpha or Debian's keepalived with the same keepalived.conf.
import Foundation
import NetLab

enum Implementation: String, CaseIterable, Codable {
    case xdpha, keepalived
}

final class VRRPSegment {
    let lab: Lab
    let client: NetworkNamespace
    let routers: [NetworkNamespace]
    let fabric: NetworkNamespace
    let work: URL
    private var processes: [Int: Process] = [:]

    init(_ name: String) throws {
        lab = try Lab(name)
        work = FileManager.default.temporaryDirectory.appendingPathComponent(lab.id)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        fabric = try lab.namespace("fabric")
        client = try lab.namespace("client")
        let lab = self.lab
        routers = try (1...2).map { try lab.namespace("r\($0)") }
        var ports: [String] = []
        for (index, router) in routers.enumerated() {
            try lab.link(router, "eth0", fabric, "p\(index)")
            try router.addAddress("192.0.2.\(index + 1)/24", dev: "eth0")
            ports.append("p\(index)")
        }
        try lab.link(client, "eth0", fabric, "pc")
        try client.addAddress("192.0.2.100/24", dev: "eth0")
        try lab.bridge("br0", in: fabric, ports: ports + ["pc"])
    }

    /// The bridge's ports receive in kernel threads of their own (threaded NAPI) instead of in the
    /// softirq of whichever process sent the frame: a router's CPU time then holds its own sending,
    /// not the switch's forwarding and the other namespaces' receive, which on a real segment
    /// happen in the switch and in other machines. (A veth queues for its peer's NAPI only what the
    /// sender could have aggregated: TSO off on the sending side, GRO on at the port.)
    func switchInItsOwnThreads() throws {
        let sides = routers.enumerated().map { ($1, "p\($0)") } + [(client, "pc")]
        for (host, port) in sides {
            try host.run("ethtool", "-K", "eth0", "tso", "off")
            try fabric.run("ethtool", "-K", port, "gro", "on")
            try fabric.shell("echo 1 > /sys/class/net/\(port)/threaded")
        }
    }

    func tearDown() {
        lab.tearDown()
        try? FileManager.default.removeItem(at: work)
    }

    @discardableResult
    /// `binary`: the xdpha executable to run (another build's, to compare two side by side).
    func start(_ implementation: Implementation, router: Int, config: String, arguments: [String] = [],
               binary: URL = Bench.xdphaBinary) throws -> Process {
        let file = work.appendingPathComponent("r\(router)-\(implementation).conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let log = work.appendingPathComponent("r\(router)-\(implementation).log")
        let process: Process
        switch implementation {
        case .xdpha:
            process = try lab.spawn(routers[router], [binary.path, "run", "-f", file.path, "--log-level", "warning",
                                                      "--state-dir", work.appendingPathComponent("state\(router)").path] + arguments, log: log)
        case .keepalived:
            let base = work.appendingPathComponent("r\(router)").path
            process = try lab.spawn(routers[router], ["keepalived", "-n", "-l", "-D", "-P", "-f", file.path,
                                                      "-p", base + ".pid", "-r", base + ".vrrp.pid"], log: log)
        }
        processes[router] = process
        return process
    }

    func stop(_ router: Int) async {
        guard let process = processes.removeValue(forKey: router) else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<500 where process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    func holds(_ router: Int, _ address: String) -> Bool {
        let out = (try? routers[router].run("ip", "-o", "addr", "show", "dev", "eth0").output) ?? ""
        return out.contains(" \(address)/")
    }

    func waitUntil(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }
}
