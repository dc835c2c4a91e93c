// The desired state of the DR data path: what the BPF maps should hold for a set of services.
// It is a plain value; Sources/BPF writes it into the maps and the tests compare it.

/// How a service's ring is read for a new flow.
public enum RingLookup: Hashable, Sendable {
    /// ring[hash(fields) % count]: mh, sh, dh.
    case hash(FlowFields)
    /// ring[cursor++ % count], a cursor per CPU: rr, wrr.
    case walk
}

public struct ServiceEntry: Hashable, Sendable {
    public let key: ServiceKey
    /// Stable while the service exists; indexes its ring and counters in the data path.
    public let id: UInt32
    public let scheduler: Scheduler
    public let lookup: RingLookup
    public let persistenceTimeout: UInt32
    /// Real indices (RealEntry.index); empty when no real has weight.
    public let ring: [UInt32]
}

public struct RealEntry: Hashable, Sendable {
    /// Stable while the real is configured in this service.
    public let index: UInt32
    /// Changes whenever `index` is given to another real: flows and persistent clients that
    /// recorded the old generation are scheduled again instead of following the index.
    public let generation: UInt32
    public let serviceID: UInt32
    public let server: RealServer
    /// Placeholder for the real's Ethernet address; the planner does not know it, the daemon
    /// fills it in from the neighbour table before the entry is written.
    public var hardwareAddress: MACAddress?

    /// Weight 0: existing flows stay, new flows and persistent clients go elsewhere.
    public var takesNewFlows: Bool { server.weight > 0 }
}

public struct DataPathState: Hashable, Sendable {
    public var services: [ServiceEntry]      // ordered by id
    public var reals: [RealEntry]            // ordered by index
    /// Every VIP with the number of services on it.
    public var virtualAddresses: [IPAddress: Int]

    public static let empty = DataPathState(services: [], reals: [], virtualAddresses: [:])

    public func service(_ key: ServiceKey) -> ServiceEntry? { services.first { $0.key == key } }

    public func real(index: UInt32) -> RealEntry? { reals.first { $0.index == index } }

    /// The real the data path will choose for a new flow of a hash-scheduled service, or nil when
    /// the service is not hashed or has no real. Persistence is not considered.
    public func predictedReal(for flow: FlowKey) -> RealEntry? {
        let key = ServiceKey(address: flow.destination, port: flow.destinationPort, transport: flow.transport)
        guard let service = service(key), case .hash(let fields) = service.lookup,
              !service.ring.isEmpty else { return nil }
        let slot = FlowHash.position(FlowHash.hash(flow, fields: fields), slots: service.ring.count)
        return real(index: service.ring[slot])
    }
}

/// The data path's capacities (XDPHA_DR_* in bpf/include/xdpha_maps.h).
public struct DataPathLimits: Hashable, Sendable {
    public var maxServices: Int
    public var maxReals: Int
    public var ringSlots: Int

    public init(maxServices: Int = 256, maxReals: Int = 4096, ringSlots: Int = 65537) {
        self.maxServices = maxServices
        self.maxReals = maxReals
        self.ringSlots = ringSlots
    }
}
