// What the DR maps should hold, as plain values in the data path's own terms (byte strings,
// indices, flags). Sources/Balancer computes the balancing side of it; the daemon adds what only
// the host knows (MACs, interfaces) and hands the result to EntryProgram.programDR.
import CXDPHA

/// One (VIP, port, protocol) service.
public struct DRService: Hashable, Sendable {
    public enum Lookup: Hashable, Sendable {
        /// ring[flow hash % count]; `fields` are XDPHA_DR_HASH_* bits.
        case hash(fields: UInt8)
        /// ring[per-CPU cursor % count].
        case walk
    }

    /// 4 or 16 bytes, network order.
    public var address: [UInt8]
    public var port: UInt16
    /// IPPROTO_TCP or IPPROTO_UDP.
    public var ipProtocol: UInt8
    /// Below XDPHA_DR_MAX_SERVICES; indexes the ring, the cursor and the counters.
    public var id: UInt32
    public var lookup: Lookup
    /// Seconds; 0 turns persistence off.
    public var persistenceTimeout: UInt32
    /// Real indices; empty when no real takes new flows.
    public var ring: [UInt32]
    /// The configured scheduler's name, kept in the map for status (the data path ignores it).
    public var schedulerName: DRSchedulerName

    public init(address: [UInt8], port: UInt16, ipProtocol: UInt8, id: UInt32, lookup: Lookup,
                persistenceTimeout: UInt32 = 0, ring: [UInt32], schedulerName: DRSchedulerName = .unknown) {
        self.address = address
        self.port = port
        self.ipProtocol = ipProtocol
        self.id = id
        self.lookup = lookup
        self.persistenceTimeout = persistenceTimeout
        self.ring = ring
        self.schedulerName = schedulerName
    }
}

/// The `lvs_sched` names the maps can record (XDPHA_DR_LVS_*).
public enum DRSchedulerName: UInt8, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case unknown, rr, wrr, mh, sh, dh

    var mapValue: UInt8 {
        let values = [XDPHA_DR_LVS_UNKNOWN, XDPHA_DR_LVS_RR, XDPHA_DR_LVS_WRR, XDPHA_DR_LVS_MH,
                      XDPHA_DR_LVS_SH, XDPHA_DR_LVS_DH]
        return UInt8(values[Int(rawValue)])
    }

    init(mapValue: UInt8) {
        self = DRSchedulerName.allCases.first { $0.mapValue == mapValue } ?? .unknown
    }

    public var description: String {
        switch self {
        case .unknown: return "?"
        case .rr: return "rr"
        case .wrr: return "wrr"
        case .mh: return "mh"
        case .sh: return "sh"
        case .dh: return "dh"
        }
    }
}

/// One real server of one service, and how to reach it on the link.
public struct DRReal: Hashable, Sendable {
    public struct Link: Hashable, Sendable {
        /// The real's MAC.
        public var destination: [UInt8]
        /// The director's MAC on `ifindex`.
        public var source: [UInt8]
        /// The interface the real is reached through.
        public var ifindex: UInt32

        public init(destination: [UInt8], source: [UInt8], ifindex: UInt32) {
            self.destination = destination
            self.source = source
            self.ifindex = ifindex
        }
    }

    /// Below XDPHA_DR_MAX_REALS.
    public var index: UInt32
    public var generation: UInt32
    public var serviceID: UInt32
    /// 4 or 16 bytes, network order.
    public var address: [UInt8]
    /// Weight > 0.
    public var takesNewFlows: Bool
    /// Nil until the neighbour is resolved: frames for it then go to the kernel.
    public var link: Link?
    /// The configured weight, kept in the map for status (the data path reads `takesNewFlows`).
    public var weight: UInt16

    public init(index: UInt32, generation: UInt32, serviceID: UInt32, address: [UInt8], takesNewFlows: Bool,
                link: Link?, weight: UInt16 = 0) {
        self.index = index
        self.generation = generation
        self.serviceID = serviceID
        self.address = address
        self.takesNewFlows = takesNewFlows
        self.link = link
        self.weight = weight
    }
}

public struct DRDataPath: Hashable, Sendable {
    public var services: [DRService]
    public var reals: [DRReal]

    public init(services: [DRService] = [], reals: [DRReal] = []) {
        self.services = services
        self.reals = reals
    }

    /// The data path's capacities, from bpf/include/xdpha_maps.h.
    public static let maxServices = Int(XDPHA_DR_MAX_SERVICES)
    public static let maxReals = Int(XDPHA_DR_MAX_REALS)
    public static let ringSlots = Int(XDPHA_DR_RING_SLOTS)
}

/// Why a DRDataPath cannot be written.
public struct DRDataPathError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
