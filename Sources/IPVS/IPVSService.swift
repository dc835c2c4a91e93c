// A virtual service: what identifies it in the kernel and how it schedules and persists.
// Field meanings follow <linux/ip_vs.h> and ipvsadm(8).

/// Transport protocols IPVS balances, with their IP protocol numbers.
public enum IPVSProtocol: UInt16, Sendable, Hashable, CustomStringConvertible {
    case tcp = 6
    case udp = 17
    case sctp = 132

    public var description: String {
        switch self {
        case .tcp: "TCP"
        case .udp: "UDP"
        case .sctp: "SCTP"
        }
    }
}

/// What the kernel keys a service by: protocol, address and port, or a firewall mark
/// (set by netfilter rules) within an address family.
public enum IPVSServiceKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    case address(IPVSProtocol, IPVSAddress, port: UInt16)
    case firewallMark(UInt32, family: IPVSAddressFamily)

    public var family: IPVSAddressFamily {
        switch self {
        case .address(_, let address, _): address.family
        case .firewallMark(_, let family): family
        }
    }

    /// As ipvsadm lists it: `TCP 192.0.2.1:80`, `FWM 7` (`FWM 7 IPv6`).
    public var description: String {
        switch self {
        case .address(let proto, let address, let port): "\(proto) \(address.withPort(port))"
        case .firewallMark(let mark, let family): family == .inet ? "FWM \(mark)" : "FWM \(mark) IPv6"
        }
    }

    /// Address services before mark services; then protocol, address, port (or family, mark).
    public static func < (lhs: IPVSServiceKey, rhs: IPVSServiceKey) -> Bool {
        switch (lhs, rhs) {
        case let (.address(p1, a1, port1), .address(p2, a2, port2)):
            (a1, p1.rawValue, port1) < (a2, p2.rawValue, port2)
        case (.address, .firewallMark): true
        case (.firewallMark, .address): false
        case let (.firewallMark(m1, f1), .firewallMark(m2, f2)):
            (f1.rawValue, m1) < (f2.rawValue, m2)
        }
    }
}

/// Persistence: connections from one client (or one client network, `granularity` bits) go to
/// the same real server while a template entry lives, `timeout` seconds after the last one.
public struct IPVSPersistence: Sendable, Hashable {
    public var timeout: UInt32
    /// Prefix length of the client network sharing one real server; nil means one address
    /// (ipvsadm's default netmask 255.255.255.255, or 128 for IPv6).
    public var granularity: Int?

    public init(timeout: UInt32 = 300, granularity: Int? = nil) {
        self.timeout = timeout
        self.granularity = granularity
    }
}

/// Service flags other than persistence (IP_VS_SVC_F_*).
public struct IPVSServiceOptions: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// Schedule every packet on its own (UDP services): IP_VS_SVC_F_ONEPACKET.
    public static let onePacket = IPVSServiceOptions(rawValue: 0x0004)
    /// Scheduler-specific flags; for `sh`, flag 1 is fallback and flag 2 hashes the port too.
    public static let schedulerFlag1 = IPVSServiceOptions(rawValue: 0x0008)
    public static let schedulerFlag2 = IPVSServiceOptions(rawValue: 0x0010)
    public static let schedulerFlag3 = IPVSServiceOptions(rawValue: 0x0020)

    /// Every bit this type models; the kernel's other bits (hashed, persistent) are not options.
    static let modelled: IPVSServiceOptions = [.onePacket, .schedulerFlag1, .schedulerFlag2, .schedulerFlag3]
}

/// A virtual service's identity and settings, without its real servers.
public struct IPVSService: Sendable, Hashable, CustomStringConvertible {
    public var key: IPVSServiceKey
    /// Scheduler module name without the `ip_vs_` prefix: rr, wrr, lc, wlc, sh, dh, mh...
    public var scheduler: String
    public var persistence: IPVSPersistence?
    public var options: IPVSServiceOptions
    /// Persistence engine (`sip`), nil for none.
    public var persistenceEngine: String?

    public init(_ key: IPVSServiceKey, scheduler: String = "wlc", persistence: IPVSPersistence? = nil,
                options: IPVSServiceOptions = [], persistenceEngine: String? = nil) {
        self.key = key
        self.scheduler = scheduler
        self.persistence = persistence
        self.options = options
        self.persistenceEngine = persistenceEngine
    }

    public var description: String {
        var text = "\(key) \(scheduler)"
        if let persistence {
            text += " persistent \(persistence.timeout)"
            if let bits = persistence.granularity { text += " mask /\(bits)" }
        }
        if options.contains(.onePacket) { text += " ops" }
        if let persistenceEngine { text += " pe \(persistenceEngine)" }
        return text
    }
}
