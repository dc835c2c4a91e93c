// keepalived's lines for real and virtual server events on notify_fifo / lvs_notify_fifo:
// `RS [10.0.0.1]:tcp:80 [192.0.2.50]:tcp:80 DOWN` and `VS [192.0.2.50]:tcp:80 UP` (UP/DOWN of
// a virtual server is its quorum). Pure.
import Config
import HealthCheck
import ServiceHealth

enum LVSFIFOLines {
    /// The virtual servers of `config` by the names health events use.
    static func index(_ config: KeepalivedConfig) -> [String: VirtualServer] {
        Dictionary(zip(VirtualServerNames.names(of: config.virtualServers), config.virtualServers),
                   uniquingKeysWith: { first, _ in first })
    }

    static func virtualServer(_ server: VirtualServer) -> String {
        let transport = (server.protocol ?? .tcp).rawValue.lowercased()
        switch server.service.kind {
        case .address: return "[\(server.service.address.map { "\($0)" } ?? "?")]:\(transport):\(server.service.port ?? 0)"
        case .fwmark: return "FWM \(server.service.fwmark ?? 0)"
        case .group: return "GROUP \(server.service.group ?? "")"
        }
    }

    static func realServer(_ endpoint: Endpoint, of server: VirtualServer) -> String {
        "[\(endpoint.address)]:\((server.protocol ?? .tcp).rawValue.lowercased()):\(endpoint.port)"
    }

    /// The line for `event`, or nil for events keepalived does not write (weights, pools).
    static func line(for event: HealthEvent, servers: [String: VirtualServer]) -> String? {
        switch event {
        case .realServerUp(let id, _), .realServerDown(let id, _):
            guard let server = servers[id.virtualServer] else { return nil }
            let up: Bool
            if case .realServerUp = event { up = true } else { up = false }
            return "RS \(realServer(id.endpoint, of: server)) \(virtualServer(server)) \(up ? "UP" : "DOWN")"
        case .quorumLost(let name, _):
            return servers[name].map { "VS \(virtualServer($0)) DOWN" }
        case .quorumRegained(let name):
            return servers[name].map { "VS \(virtualServer($0)) UP" }
        case .realServerWeightChanged, .poolChanged:
            return nil
        }
    }
}
