// Where a checker connects: an IP literal and a port. Names are not resolved here; keepalived's
// configuration holds addresses, and a checker must never wait on a resolver.
public struct Endpoint: Sendable, Hashable, CustomStringConvertible {
    public var address: String
    public var port: Int

    public init(_ address: String, _ port: Int) {
        self.address = address
        self.port = port
    }

    public var isIPv6: Bool { address.contains(":") }

    /// keepalived prints real servers as `[ip]:port`; the same form is used in logs and events.
    public var description: String { "[\(address)]:\(port)" }
}

/// Identifies a real server inside one virtual server (the lead's Config model names them the same way).
public struct RealServerID: Sendable, Hashable, CustomStringConvertible {
    public var virtualServer: String
    public var endpoint: Endpoint

    public init(virtualServer: String, endpoint: Endpoint) {
        self.virtualServer = virtualServer
        self.endpoint = endpoint
    }

    public var description: String { "\(endpoint) of VS \(virtualServer)" }
}
