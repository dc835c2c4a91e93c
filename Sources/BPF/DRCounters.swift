// The DR stage's counters, summed over CPUs: per service, per real, and per outcome for traffic
// addressed to a VIP.
import CXDPHA

public struct DRTrafficCounters: Hashable, Sendable {
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var newFlows: UInt64 = 0

    public init(packets: UInt64 = 0, bytes: UInt64 = 0, newFlows: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
        self.newFlows = newFlows
    }
}

/// What happened to a frame addressed to a VIP (xdpha_dr_outcomes).
public enum DROutcome: Int, CaseIterable, Sendable, CustomStringConvertible {
    case transmitted, redirected, fragment, ipOptions, notTCPOrUDP, truncated, noService, noReal, unresolved, noEgress

    public var mapIndex: UInt32 {
        let indices = [XDPHA_DR_TX, XDPHA_DR_REDIRECT, XDPHA_DR_PASS_FRAGMENT, XDPHA_DR_PASS_IP_OPTIONS,
                       XDPHA_DR_PASS_NOT_TCP_UDP, XDPHA_DR_PASS_TRUNCATED, XDPHA_DR_PASS_NO_SERVICE,
                       XDPHA_DR_PASS_NO_REAL, XDPHA_DR_PASS_UNRESOLVED, XDPHA_DR_PASS_NO_EGRESS]
        return UInt32(indices[rawValue])
    }

    public var description: String {
        switch self {
        case .transmitted: return "tx"
        case .redirected: return "redirect"
        case .fragment: return "pass-fragment"
        case .ipOptions: return "pass-ip-options"
        case .notTCPOrUDP: return "pass-not-tcp-udp"
        case .truncated: return "pass-truncated"
        case .noService: return "pass-no-service"
        case .noReal: return "pass-no-real"
        case .unresolved: return "pass-unresolved"
        case .noEgress: return "pass-no-egress"
        }
    }
}

extension BPFMap {
    /// Sums struct xdpha_dr_stats over CPUs.
    func drTrafficCounters(index: UInt32) throws -> DRTrafficCounters {
        var total = DRTrafficCounters()
        for bytes in try perCPUValues(index: index, valueSize: MemoryLayout<xdpha_dr_stats>.size) {
            let stats = bytes.withUnsafeBytes { $0.loadUnaligned(as: xdpha_dr_stats.self) }
            total.packets &+= stats.packets
            total.bytes &+= stats.bytes
            total.newFlows &+= stats.new_flows
        }
        return total
    }
}
