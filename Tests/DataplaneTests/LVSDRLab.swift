// The classic LVS-DR site in namespaces: a client, a director and three real servers on one
// bridge. The director holds the VIP on ens33 (so it answers ARP for it, as keepalived would
// make it); each real holds the VIP on lo, never answers ARP for it, and runs an HTTP responder
// that names itself. Replies go from the reals straight to the client.
//
// What XDP on veths needs (lab-notes.md): the bridge-side port of the director runs an XDP
// program of its own (xdpha_pass), or XDP_TX frames never arrive; TX checksum offload is off on
// the client's and the director's veths, or steered TCP frames reach the reals unchecksummed.
import BPF
import Foundation
import NetLab

struct LVSDRLab {
    static let vip = "192.0.2.50"
    static let reals = ["192.0.2.11", "192.0.2.12", "192.0.2.13"]

    let lab: Lab
    let fabric: NetworkNamespace
    let client: NetworkNamespace
    let director: NetworkNamespace
    let realServers: [NetworkNamespace]
    let scripts: URL
    /// Pinned in the host's BPF file system: `xdpha` runs with only the network namespace
    /// entered (nsenter), so its pins outlive each command as they would on a real director.
    let pins: String
    /// The reals' HTTP responders, by index into `realServers`.
    let responders = Responders()

    init(_ name: String) async throws {
        let lab = try Lab(name)
        self.lab = lab
        fabric = try lab.namespace("fabric")
        client = try lab.namespace("client")
        director = try lab.namespace("dir")
        realServers = try (1...3).map { try lab.namespace("rs\($0)") }
        scripts = FileManager.default.temporaryDirectory.appendingPathComponent(lab.id)
        pins = "/sys/fs/bpf/\(lab.id)"
        try FileManager.default.createDirectory(at: scripts, withIntermediateDirectories: true)

        var ports: [String] = []
        func plug(_ host: NetworkNamespace, port: String, address: String) throws {
            try lab.link(host, "ens33", fabric, port)
            try host.addAddress(address, dev: "ens33")
            ports.append(port)
        }
        try plug(client, port: "p-client", address: "192.0.2.100/24")
        try plug(director, port: "p-dir", address: "192.0.2.1/24")
        try director.addAddress("\(LVSDRLab.vip)/32", dev: "ens33")
        for (i, server) in realServers.enumerated() {
            try plug(server, port: "p-rs\(i + 1)", address: "\(LVSDRLab.reals[i])/24")
            try server.addAddress("\(LVSDRLab.vip)/32", dev: "lo")
            for key in ["all", "ens33"] {
                try server.sysctl("net.ipv4.conf.\(key).arp_ignore", "1")
                try server.sysctl("net.ipv4.conf.\(key).arp_announce", "2")
                try server.sysctl("net.ipv4.conf.\(key).rp_filter", "0")
            }
            try server.sysctl("net.ipv4.conf.lo.rp_filter", "0")
        }
        for host in [client, director] {
            try host.sysctl("net.ipv4.conf.ens33.rp_filter", "0")
            try host.run("ethtool", "-K", "ens33", "tx", "off")
        }
        try lab.bridge("br0", in: fabric, ports: ports)

        let pass = try EntryProgram()
        let fd = await pass.passFD
        try fabric.perform {
            try XDPAttachment.attach(programFD: fd, ifindex: XDPAttachment.ifindex(of: "p-dir"), mode: .native)
        }

        try HTTPLabPrograms.write(to: scripts)
        for index in realServers.indices { try startResponder(index) }
    }

    /// Starts real `index`'s HTTP responder and waits until it listens.
    func startResponder(_ index: Int) throws {
        responders.processes[index] = try HTTPLabPrograms.startResponder(in: realServers[index], named: "rs\(index + 1)",
                                                                         lab: lab, programs: scripts)
    }

    /// Stops real `index`'s HTTP responder (by its PID) and waits until nothing listens.
    func stopResponder(_ index: Int) throws {
        guard let process = responders.processes.removeValue(forKey: index) else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    func tearDown() {
        try? FileManager.default.removeItem(at: scripts)
        removePins()
        lab.tearDown()
    }

    func removePins() {
        let directory = pins
        for name in (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [] {
            unlink(directory + "/" + name)
        }
        rmdir(directory)
    }

    // MARK: running xdpha on the director

    static var xdpha: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("xdpha")
    }

    /// Runs `xdpha ARGS` in the director's network namespace only (the mount namespace, and with
    /// it /sys/fs/bpf, stays the host's).
    @discardableResult
    func xdpha(_ arguments: [String], check: Bool = true) throws -> CommandResult {
        try Command.run(["nsenter", "--net=/run/netns/\(director.name)", LVSDRLab.xdpha.path] + arguments, check: check)
    }

    /// Writes `text` as a keepalived.conf and runs `xdpha attach ens33` with it.
    @discardableResult
    func attach(config text: String, check: Bool = true) throws -> CommandResult {
        let file = scripts.appendingPathComponent("keepalived-\(UUID().uuidString.prefix(8)).conf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try xdpha(["attach", "ens33", "-f", file.path, "--pin-dir", pins], check: check)
    }

    // MARK: the client

    /// `count` short HTTP/1.0 connections to the VIP from source ports `firstPort`...; the answer
    /// (the real's name, or "error:...") for each port. Keep `firstPort` + `count` below 32768,
    /// the start of the ephemeral range: a keep-alive connection opened meanwhile takes an
    /// ephemeral port, and binding that same port again fails (EADDRINUSE).
    func requests(_ count: Int, fromPort firstPort: Int) throws -> [Int: String] {
        let output = try client.run("python3", scripts.appendingPathComponent("burst.py").path, LVSDRLab.vip, "80",
                                    "\(count)", "\(firstPort)").output
        return Dictionary(HTTPLabPrograms.answers(output).map { ($0.sourcePort, $0.answer) }) { first, _ in first }
    }

    /// A keep-alive HTTP/1.1 connection from the client to the VIP, opened in the client's namespace.
    func openConnection() throws -> KeepAliveConnection {
        try client.perform { try KeepAliveConnection(host: LVSDRLab.vip, port: 80) }
    }
}

/// Polls `condition` every 50 ms for up to `seconds`.
func waitUntil(_ what: String, seconds: Double = 10, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        guard Date() < deadline else { throw LabTestError("timed out waiting until \(what)") }
        usleep(50_000)
    }
}

/// The responders' processes; a class so that the lab value can start and stop them.
final class Responders: @unchecked Sendable {
    var processes: [Int: Process] = [:]
}

struct LabTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
