// The DR stage's counters, summed over CPUs: per service, per real, and per outcome for traffic
// addressed to a VIP.
import CXDPHA

public struct DRTrafficCounters: Hashable, Sendable {
    public var packets: UInt64 = 0
    public var bytes: UInt64 = 0
    public var newFlows: UInt64 = 0
    /// Of `packets`, those sent out of another interface than they came in on.
    public var redirected: UInt64 = 0

    public init(packets: UInt64 = 0, bytes: UInt64 = 0, newFlows: UInt64 = 0, redirected: UInt64 = 0) {
        self.packets = packets
        self.bytes = bytes
        self.newFlows = newFlows
        self.redirected = redirected
    }

    /// Counters wrap as the program's do.
    public static func + (left: DRTrafficCounters, right: DRTrafficCounters) -> DRTrafficCounters {
        DRTrafficCounters(packets: left.packets &+ right.packets, bytes: left.bytes &+ right.bytes,
                          newFlows: left.newFlows &+ right.newFlows, redirected: left.redirected &+ right.redirected)
    }

    /// The layout of struct xdpha_dr_stats, as 64-bit words.
    var words: [UInt64] { [packets, bytes, newFlows, redirected] }
}

/// What the control plane derives from the reals' counters, the only ones a forwarded frame
/// updates (see xdpha_maps.h): a service's totals, and the forwarded outcomes.
enum DRCounterTotals {
    /// `retired` (what reals that left the service counted) plus what its reals count now.
    static func service(retired: DRTrafficCounters, reals: [DRTrafficCounters]) -> DRTrafficCounters {
        reals.reduce(retired, +)
    }

    /// Adds the reals' forwarded frames to the outcome counts that the program and the left
    /// reals' retirement wrote.
    static func outcomes(_ counted: [DROutcome: UInt64], reals: [DRTrafficCounters]) -> [DROutcome: UInt64] {
        var outcomes = counted
        for real in reals {
            outcomes[.transmitted, default: 0] &+= real.packets &- real.redirected
            outcomes[.redirected, default: 0] &+= real.redirected
        }
        return outcomes
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
        try MapReading.trafficCounters(fd: fd, index: index)
    }
}
