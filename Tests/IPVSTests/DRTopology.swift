// The LVS-DR lab the traffic tests share: a client, a director and two real servers on one
// bridge (203.0.113.0/24); the director holds the VIP, the reals hold it on lo without answering
// ARP for it, and each real answers its name ("real1", "real2") on `port`.
import NetLab

final class DRTopology {
    let client: NetworkNamespace
    let director: NetworkNamespace
    let reals: [NetworkNamespace]
    private let servers: [LineServer]
    private var stopped: Set<Int> = []

    init(lab: Lab, vip: String, port: UInt16) throws {
        let fabric = try lab.namespace("sw")
        client = try lab.namespace("client")
        director = try lab.namespace("director")
        reals = [try lab.namespace("real1"), try lab.namespace("real2")]

        let hosts: [(NetworkNamespace, String, String)] = [
            (client, "c0", "203.0.113.1/24"), (director, "d0", "203.0.113.2/24"),
            (reals[0], "r1", "203.0.113.11/24"), (reals[1], "r2", "203.0.113.12/24"),
        ]
        for (namespace, port, cidr) in hosts {
            try lab.link(namespace, "eth0", fabric, port)
            try namespace.addAddress(cidr, dev: "eth0")
        }
        try lab.bridge("br0", in: fabric, ports: hosts.map(\.1))

        // The director owns the VIP (it answers ARP for it); real servers hold it on lo and
        // neither answer ARP for it nor use it as an ARP source.
        try director.addAddress("\(vip)/32", dev: "eth0")
        for real in reals {
            try real.addAddress("\(vip)/32", dev: "lo")
            for scope in ["all", "eth0"] {
                try real.sysctl("net.ipv4.conf.\(scope).arp_ignore", "1")
                try real.sysctl("net.ipv4.conf.\(scope).arp_announce", "2")
                try real.sysctl("net.ipv4.conf.\(scope).rp_filter", "0")
            }
        }
        try director.sysctl("net.ipv4.conf.eth0.rp_filter", "0")
        servers = try zip(reals, ["real1", "real2"]).map { try LineServer(in: $0, port: port, reply: $1) }
    }

    /// Stops real `index`'s server (0 or 1): its port then refuses connections.
    func stopServer(_ index: Int) {
        guard stopped.insert(index).inserted else { return }
        servers[index].stop()
    }

    func stop() { servers.indices.forEach(stopServer) }
}
