// How health events name a virtual server: `192.0.2.50:80/TCP`, `fwmark 7`, `group web/TCP`, as
// keepalived's logs do. Two blocks for the same service (refused by the data path, but the
// checkers must still tell them apart) get `#2`, `#3`... after the name.
import Config
import HealthCheck

public enum VirtualServerNames {
    public static func names(of servers: [VirtualServer]) -> [String] {
        var seen: [String: Int] = [:]
        return servers.map { server in
            let base = name(of: server)
            seen[base, default: 0] += 1
            let count = seen[base]!
            return count == 1 ? base : "\(base) #\(count)"
        }
    }

    public static func name(of server: VirtualServer) -> String {
        guard let transport = server.protocol else { return "\(server.service)" }
        return "\(server.service)/\(transport.rawValue)"
    }

    /// How a real server's checkers reach it, and how pools name it.
    public static func endpoint(of real: RealServer) -> Endpoint {
        Endpoint("\(real.address)", real.port ?? 0)
    }
}
