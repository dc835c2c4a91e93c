// A VRRP segment for interop tests: routers (xdpha or Debian's keepalived) and a client on one
// bridge, each in its own namespace. Router i is 192.0.2.(i+1) on eth0, the client 192.0.2.100.
import Daemon
import Foundation
import NetLab

final class VRRPInteropLab {
    let lab: Lab
    let fabric: NetworkNamespace
    let client: NetworkNamespace
    let routers: [NetworkNamespace]
    let directory: URL
    private var processes: [Int: Process] = [:]

    static var unavailableReason: String? {
        if let reason = Lab.unavailableReason { return reason }
        if !Command.exists("keepalived") { return "keepalived is not installed (make deps installs it)" }
        if !FileManager.default.isExecutableFile(atPath: xdphaBinary.path) { return "\(xdphaBinary.path) is not built" }
        return nil
    }

    /// The xdpha executable SwiftPM built next to this test bundle.
    static var xdphaBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("xdpha")
    }

    init(_ name: String, routers count: Int = 2) throws {
        lab = try Lab(name)
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(lab.id)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        fabric = try lab.namespace("fabric")
        client = try lab.namespace("client")
        let lab = self.lab
        routers = try (0..<count).map { try lab.namespace("r\($0 + 1)") }
        var ports: [String] = []
        for (index, router) in routers.enumerated() {
            try lab.link(router, "eth0", fabric, "p-r\(index + 1)")
            try router.addAddress("192.0.2.\(index + 1)/24", dev: "eth0")
            ports.append("p-r\(index + 1)")
        }
        try lab.link(client, "eth0", fabric, "p-client")
        try client.addAddress("192.0.2.100/24", dev: "eth0")
        ports.append("p-client")
        try lab.bridge("br0", in: fabric, ports: ports)
    }

    func tearDown() {
        for process in processes.values where process.isRunning { kill(process.processIdentifier, SIGTERM) }
        lab.tearDown()
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: routers

    func stateDirectory(_ router: Int) -> String { directory.appendingPathComponent("state-\(router)").path }

    func startXDPHA(_ router: Int, config: String, arguments: [String] = []) throws {
        let file = directory.appendingPathComponent("xdpha-\(router).conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        processes[router] = try lab.spawn(routers[router], [VRRPInteropLab.xdphaBinary.path, "run", "-f", file.path,
                                                            "--state-dir", stateDirectory(router)] + arguments,
                                          log: directory.appendingPathComponent("xdpha-\(router).log"))
    }

    func startKeepalived(_ router: Int, config: String) throws {
        let file = directory.appendingPathComponent("keepalived-\(router).conf")
        try config.write(to: file, atomically: true, encoding: .utf8)
        let base = directory.appendingPathComponent("keepalived-\(router)").path
        processes[router] = try lab.spawn(routers[router], ["keepalived", "-n", "-l", "-D", "-P", "-f", file.path,
                                                            "-p", base + ".pid", "-r", base + ".vrrp.pid"],
                                          log: directory.appendingPathComponent("keepalived-\(router).log"))
    }

    /// SIGTERM and wait: both daemons then send priority 0 and remove their addresses.
    func stop(_ router: Int) async {
        guard let process = processes[router] else { return }
        kill(process.processIdentifier, SIGTERM)
        for _ in 0..<300 where process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        processes[router] = nil
    }

    func isRunning(_ router: Int) -> Bool { processes[router]?.isRunning ?? false }

    func log(_ router: Int) -> String {
        let files = ["xdpha-\(router).log", "keepalived-\(router).log"]
        return files.compactMap { try? String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
            .joined(separator: "\n")
    }

    // MARK: observing

    func holdsAddress(_ router: Int, _ address: String) -> Bool {
        let output = (try? routers[router].run("ip", "-o", "addr", "show", "dev", "eth0").output) ?? ""
        return output.contains(" \(address)/")
    }

    /// Which routers hold `address` now.
    func holders(of address: String) -> [Int] {
        routers.indices.filter { holdsAddress($0, address) }
    }

    func clientReaches(_ address: String) -> Bool {
        (try? client.run(["ping", "-c", "1", "-W", "1", address], check: false).status) == 0
    }

    func status(_ router: Int) -> DaemonStatus? {
        let result = try? routers[router].run([VRRPInteropLab.xdphaBinary.path, "status", "--json",
                                               "--state-dir", stateDirectory(router)], check: false)
        guard let result, result.status == 0 else { return nil }
        return try? JSONDecoder().decode(DaemonStatus.self, from: Data(result.output.utf8))
    }

    /// Polls `condition` every 20 ms until it holds or `timeout` passes.
    func waitUntil(_ timeout: Duration, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return condition()
    }

    /// Polls until exactly `router` holds `address` and the client reaches it.
    func waitForSoleHolder(_ router: Int, of address: String, within timeout: Duration) async -> Bool {
        await waitUntil(timeout) { holders(of: address) == [router] } && clientReaches(address)
    }
}

/// keepalived.conf text for one instance; both daemons read the same language.
struct InstanceConfig {
    var name = "VI_1"
    var vrid = 51
    var priority = 100
    var version = 3
    var advertInterval = "0.1"
    var vips = ["192.0.2.50/24"]
    var password: String?
    var nopreempt = false
    var preemptDelay: Int?
    var unicastSource: String?
    var unicastPeers: [String] = []
    var notifyScript: String?

    var text: String {
        var lines = ["global_defs {", "    vrrp_version \(version)", "}", "vrrp_instance \(name) {",
                     "    state BACKUP", "    interface eth0", "    virtual_router_id \(vrid)",
                     "    priority \(priority)", "    advert_int \(advertInterval)"]
        if nopreempt { lines.append("    nopreempt") }
        if let preemptDelay { lines.append("    preempt_delay \(preemptDelay)") }
        if let password {
            lines += ["    authentication {", "        auth_type PASS", "        auth_pass \(password)", "    }"]
        }
        if let unicastSource { lines.append("    unicast_src_ip \(unicastSource)") }
        if !unicastPeers.isEmpty {
            lines.append("    unicast_peer {")
            lines += unicastPeers.map { "        \($0)" }
            lines.append("    }")
        }
        if let notifyScript { lines.append("    notify \"\(notifyScript)\"") }
        lines.append("    virtual_ipaddress {")
        lines += vips.map { "        \($0)" }
        lines += ["    }", "}"]
        return lines.joined(separator: "\n") + "\n"
    }
}
