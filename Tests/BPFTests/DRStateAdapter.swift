// Balancer's DataPathState as the BPF module's DRDataPath through the daemon's own glue
// (Dataplane.DRPathBuilder), with MACs made up for the fixtures instead of the neighbour table.
import Balancer
@testable import BPF
import Dataplane

enum DRStateAdapter {
    static func dataPath(_ state: DataPathState, link: (RealEntry) -> DRReal.Link?) -> DRDataPath {
        var links: [IPAddress: RealLink] = [:]
        for real in state.reals {
            links[real.server.address] = link(real).map { .resolved($0) } ?? .soliciting(ifindex: 0)
        }
        return DRPathBuilder.dataPath(state, configured: [], links: links)
    }
}

/// The made-up link layer of the fixtures: the director's MAC, and a MAC per real derived from
/// its address so that the expected output frame can be computed independently.
enum DRTestLink {
    static let director: [UInt8] = [0x02, 0xd1, 0, 0, 0, 0x01]
    /// Test runs without a context come from the loopback device of the caller's namespace.
    static let ingress: UInt32 = 1

    static func mac(of real: RealServer) -> [UInt8] {
        let tail = real.address.bytes.suffix(2)
        return [0x02, 0xee, real.address.family == .ipv4 ? 4 : 6, 0x00] + tail
    }

    static func link(_ real: RealEntry) -> DRReal.Link? {
        DRReal.Link(destination: mac(of: real.server), source: director, ifindex: ingress)
    }
}
