// The demo's lab: one L2 segment (a bridge in its own namespace), a client, two directors and
// three real servers, laid out as a classic LVS-DR site. Addresses from 192.0.2.0/24.
import Foundation
import NetLab

struct DemoTopology {
    static let vip = "192.0.2.50"

    /// Where director N pins its maps (the host's BPF file system; removed at the end).
    static func pinDirectory(lab: Lab, director: Int) -> String { "/sys/fs/bpf/\(lab.id)-dir\(director)" }

    /// The xdpha executable built next to this demo.
    static var xdphaBinary: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("xdpha")
    }
    let lab: Lab
    let fabric: NetworkNamespace
    let client: NetworkNamespace
    let directors: [NetworkNamespace]
    let realServers: [NetworkNamespace]

    init(lab: Lab) throws {
        self.lab = lab
        fabric = try lab.namespace("fabric")
        client = try lab.namespace("client")
        directors = try (1...2).map { try lab.namespace("dir\($0)") }
        realServers = try (1...3).map { try lab.namespace("rs\($0)") }

        var ports: [String] = []
        func plug(_ host: NetworkNamespace, port: String, address: String) throws {
            try lab.link(host, "ens33", fabric, port)
            try host.addAddress(address, dev: "ens33")
            // XDP_TX frames leave a veth only towards a peer that runs an XDP program itself.
            try fabric.run("ethtool", "-K", port, "tx", "off")
            ports.append(port)
        }
        try plug(client, port: "p-client", address: "192.0.2.100/24")
        for (i, director) in directors.enumerated() {
            try plug(director, port: "p-dir\(i + 1)", address: "192.0.2.\(i + 1)/24")
        }
        for (i, server) in realServers.enumerated() {
            try plug(server, port: "p-rs\(i + 1)", address: "192.0.2.\(11 + i)/24")
            // LVS-DR real server: the VIP on lo, never answered for in ARP.
            try server.run("ip", "addr", "add", "\(DemoTopology.vip)/32", "dev", "lo")
            try server.sysctl("net.ipv4.conf.all.arp_ignore", "1")
            try server.sysctl("net.ipv4.conf.all.arp_announce", "2")
            try server.sysctl("net.ipv4.conf.ens33.arp_ignore", "1")
            try server.sysctl("net.ipv4.conf.ens33.arp_announce", "2")
        }
        try lab.bridge("br0", in: fabric, ports: ports)
    }

    /// Starts real server `index`'s HTTP responder (answering "rs1", "rs2", ...) and waits until it listens.
    func startResponder(_ index: Int, programs: URL) throws -> Process {
        try HTTPLabPrograms.startResponder(in: realServers[index], named: "rs\(index + 1)", lab: lab, programs: programs)
    }

    /// `count` new connections from the client to `vip`:80; each one's answer ("rs1", ... or "error:...").
    func requests(_ count: Int, to vip: String = DemoTopology.vip, programs: URL) throws -> [String] {
        let output = try client.run("python3", programs.appendingPathComponent("burst.py").path, vip, "80",
                                    "\(count)", "0").output
        return HTTPLabPrograms.answers(output).map(\.answer)
    }

    /// Ends a process the demo started, by its PID (SIGTERM, then SIGKILL after 3 s).
    func stop(_ process: Process) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
}
