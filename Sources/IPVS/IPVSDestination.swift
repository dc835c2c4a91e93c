// A real server (IPVS "destination") of a virtual service and how packets reach it.

/// How the director hands a connection to a real server (IP_VS_CONN_F_* forwarding values).
public enum IPVSForwarding: UInt32, Sendable, Hashable, CustomStringConvertible {
    /// NAT: the director rewrites the destination (and sees the replies).
    case masquerade = 0
    /// The director itself serves; the kernel picks this when the address is local.
    case local = 1
    /// IP-in-IP to the real server, which holds the VIP.
    case tunnel = 2
    /// Direct routing: only the destination MAC changes; the real server holds the VIP.
    case directRoute = 3

    /// ipvsadm's column name.
    public var description: String {
        switch self {
        case .masquerade: "Masq"
        case .local: "Local"
        case .tunnel: "Tunnel"
        case .directRoute: "Route"
        }
    }
}

/// What identifies a real server within its service.
public struct IPVSDestinationKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var address: IPVSAddress
    public var port: UInt16

    public init(address: IPVSAddress, port: UInt16) {
        self.address = address
        self.port = port
    }

    public var description: String { address.withPort(port) }

    public static func < (lhs: IPVSDestinationKey, rhs: IPVSDestinationKey) -> Bool {
        (lhs.address, lhs.port) < (rhs.address, rhs.port)
    }
}

public struct IPVSDestination: Sendable, Hashable, CustomStringConvertible {
    public var address: IPVSAddress
    /// For direct routing and tunnelling the real server listens on the service's own port.
    public var port: UInt16
    public var forwarding: IPVSForwarding
    /// 0 takes the server out of new scheduling but keeps its connections.
    public var weight: Int
    /// Connection limits; 0 means none.
    public var upperThreshold: UInt32
    public var lowerThreshold: UInt32

    public init(_ address: IPVSAddress, port: UInt16, forwarding: IPVSForwarding = .directRoute,
                weight: Int = 1, upperThreshold: UInt32 = 0, lowerThreshold: UInt32 = 0) {
        self.address = address
        self.port = port
        self.forwarding = forwarding
        self.weight = weight
        self.upperThreshold = upperThreshold
        self.lowerThreshold = lowerThreshold
    }

    public var key: IPVSDestinationKey { IPVSDestinationKey(address: address, port: port) }

    public var description: String {
        var text = "\(key) \(forwarding) weight \(weight)"
        if upperThreshold != 0 || lowerThreshold != 0 { text += " thresholds \(lowerThreshold)-\(upperThreshold)" }
        return text
    }
}
