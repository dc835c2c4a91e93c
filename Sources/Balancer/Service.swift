// The balancer's own model of an LVS-DR virtual service: what the data path must know, nothing of
// the configuration syntax it came from (the glue from the Config module maps onto this).

public enum TransportProtocol: UInt8, Sendable, CaseIterable, CustomStringConvertible {
    case tcp = 6     // IP protocol numbers, as in the IP header
    case udp = 17

    public var description: String { self == .tcp ? "TCP" : "UDP" }
}

/// The schedulers the XDP data path carries out, named as `lvs_sched` names them.
///
/// Every one of them chooses only for a flow the connection table does not know yet.
/// - `rr`, `wrr`: a ring that lists the reals in turn (`wrr`: each as often as its weight),
///   walked with a per-CPU cursor.
/// - `mh`, `sh`, `dh`: a weighted Maglev table indexed by a hash of flow fields
///   (`FlowFields.defaults(for:)`). `sh` and `dh` keep IPVS's meaning (source or destination
///   address) but use a Maglev table instead of IPVS's 256 buckets, so they disturb fewer clients
///   when a real comes or goes.
public enum Scheduler: String, Sendable, CaseIterable {
    case roundRobin = "rr"
    case weightedRoundRobin = "wrr"
    case maglev = "mh"
    case sourceHash = "sh"
    case destinationHash = "dh"

    /// True for the schedulers that index a Maglev table with a flow hash.
    public var usesHash: Bool {
        switch self {
        case .roundRobin, .weightedRoundRobin: return false
        case .maglev, .sourceHash, .destinationHash: return true
        }
    }
}

/// The flow fields a hash scheduler hashes; the bit values are those of XDPHA_DR_HASH_*.
public struct FlowFields: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let sourceAddress = FlowFields(rawValue: 1 << 0)
    public static let sourcePort = FlowFields(rawValue: 1 << 1)
    public static let destinationAddress = FlowFields(rawValue: 1 << 2)
    public static let destinationPort = FlowFields(rawValue: 1 << 3)
    public static let transportProtocol = FlowFields(rawValue: 1 << 4)

    /// All five: each connection hashes on its own (Katran's choice).
    public static let fiveTuple: FlowFields = [.sourceAddress, .sourcePort, .destinationAddress,
                                               .destinationPort, .transportProtocol]

    /// IPVS's choices: `mh` and `sh` hash the client address (the `mh-port`/`sh-port` flags add
    /// its port), `dh` the destination address. Round robin hashes nothing.
    public static func defaults(for scheduler: Scheduler, hashSourcePort: Bool = false) -> FlowFields {
        switch scheduler {
        case .roundRobin, .weightedRoundRobin: return []
        case .maglev, .sourceHash: return hashSourcePort ? [.sourceAddress, .sourcePort] : [.sourceAddress]
        case .destinationHash: return [.destinationAddress]
        }
    }
}

/// What identifies a service on the wire: the VIP, the destination port and the protocol.
public struct ServiceKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let address: IPAddress
    public let port: UInt16
    public let transport: TransportProtocol

    public init(address: IPAddress, port: UInt16, transport: TransportProtocol) {
        self.address = address
        self.port = port
        self.transport = transport
    }

    public static func < (lhs: ServiceKey, rhs: ServiceKey) -> Bool {
        if lhs.address != rhs.address { return lhs.address < rhs.address }
        if lhs.port != rhs.port { return lhs.port < rhs.port }
        return lhs.transport.rawValue < rhs.transport.rawValue
    }

    public var description: String {
        let host = address.family == .ipv6 ? "[\(address)]" : "\(address)"
        return "\(transport) \(host):\(port)"
    }
}

public struct RealServer: Hashable, Sendable, CustomStringConvertible {
    public let address: IPAddress
    /// DR does not rewrite ports: the real listens on the service port. Kept because it names
    /// the real (two reals on one address differ by port) and health checks use it.
    public let port: UInt16
    /// 0 keeps the real configured but gives it no new flows (keepalived's inhibit_on_failure).
    public let weight: UInt32

    public init(address: IPAddress, port: UInt16, weight: UInt32 = 1) {
        self.address = address
        self.port = port
        self.weight = weight
    }

    /// The bytes that name the real in Maglev's hashes: family, address, port (network order).
    public var name: [UInt8] {
        [address.family.rawValue] + address.bytes + [UInt8(port >> 8), UInt8(port & 0xFF)]
    }

    public var description: String {
        address.family == .ipv6 ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}

public struct Service: Hashable, Sendable {
    public var key: ServiceKey
    public var scheduler: Scheduler
    /// What a hash scheduler hashes; `FlowFields.defaults(for: scheduler)` unless set otherwise.
    public var hashFields: FlowFields
    /// Seconds a client stays with its real after its last new connection; 0 turns it off.
    public var persistenceTimeout: UInt32
    /// Maglev table size (prime); nil picks `MaglevTable.defaultSize` or larger.
    public var tableSize: Int?
    public var reals: [RealServer]

    public init(key: ServiceKey, scheduler: Scheduler, hashFields: FlowFields? = nil,
                persistenceTimeout: UInt32 = 0, tableSize: Int? = nil, reals: [RealServer]) {
        self.key = key
        self.scheduler = scheduler
        self.hashFields = hashFields ?? FlowFields.defaults(for: scheduler)
        self.persistenceTimeout = persistenceTimeout
        self.tableSize = tableSize
        self.reals = reals
    }
}
