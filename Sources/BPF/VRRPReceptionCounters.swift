// The per-VRID outcome counters of the VRRP reception stage (vrrp_counters, XDPHA_VRRP_RX_*).
import CXDPHA

/// What the stage did with a VRRP frame; one case per XDPHA_VRRP_RX_* index, in the same order.
public enum VRRPReceptionCounter: Int, CaseIterable, Sendable, CustomStringConvertible {
    case accepted
    case length
    case fragment
    case unknownVRID
    case ttl
    case version
    case type
    case addressCount
    case checksum
    case authentication
    case eventLost

    /// The index into struct xdpha_vrrp_counters, from the shared header.
    public var mapIndex: Int {
        switch self {
        case .accepted: return XDPHA_VRRP_RX_ACCEPTED
        case .length: return XDPHA_VRRP_RX_LENGTH
        case .fragment: return XDPHA_VRRP_RX_FRAGMENT
        case .unknownVRID: return XDPHA_VRRP_RX_UNKNOWN_VRID
        case .ttl: return XDPHA_VRRP_RX_TTL
        case .version: return XDPHA_VRRP_RX_VERSION
        case .type: return XDPHA_VRRP_RX_TYPE
        case .addressCount: return XDPHA_VRRP_RX_ADDRESS_COUNT
        case .checksum: return XDPHA_VRRP_RX_CHECKSUM
        case .authentication: return XDPHA_VRRP_RX_AUTH
        case .eventLost: return XDPHA_VRRP_RX_EVENT_LOST
        }
    }

    /// The number of indices the BPF side counts; `allCases.count` must equal it.
    public static var mapCount: Int { XDPHA_VRRP_RX_MAX }

    /// Whether the advert was refused (everything but accepted and eventLost).
    public var isRejection: Bool { self != .accepted && self != .eventLost }

    public var description: String {
        switch self {
        case .accepted: return "accepted"
        case .length: return "length"
        case .fragment: return "fragment"
        case .unknownVRID: return "unknown-vrid"
        case .ttl: return "ttl"
        case .version: return "version"
        case .type: return "type"
        case .addressCount: return "address-count"
        case .checksum: return "checksum"
        case .authentication: return "authentication"
        case .eventLost: return "event-lost"
        }
    }
}

/// A snapshot of one VRID's counters, summed over all CPUs.
public struct VRRPReceptionCounts: Sendable, Equatable {
    private var counts: [VRRPReceptionCounter: UInt64]

    init(counts: [VRRPReceptionCounter: UInt64]) { self.counts = counts }

    public subscript(_ counter: VRRPReceptionCounter) -> UInt64 { counts[counter] ?? 0 }

    public var rejected: UInt64 {
        VRRPReceptionCounter.allCases.filter(\.isRejection).reduce(0) { $0 + self[$1] }
    }

    /// Adds a count kept outside vrrp_counters (the stage counts accepted adverts per VRID value).
    mutating func add(_ value: UInt64, to counter: VRRPReceptionCounter) {
        counts[counter, default: 0] &+= value
    }

    /// Sums the per-CPU copies of struct xdpha_vrrp_counters laid out one after another.
    init(perCPU raw: UnsafeRawBufferPointer, cpus: Int) {
        let stride = MemoryLayout<xdpha_vrrp_counters>.stride
        var counts: [VRRPReceptionCounter: UInt64] = [:]
        for counter in VRRPReceptionCounter.allCases {
            var total: UInt64 = 0
            for cpu in 0..<cpus {
                let offset = cpu * stride + counter.mapIndex * MemoryLayout<UInt64>.size
                total &+= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            }
            counts[counter] = total
        }
        self.counts = counts
    }
}
