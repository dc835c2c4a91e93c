// Balancer's DataPathState as the BPF module's DRDataPath, with MACs made up for the fixtures.
// (The daemon's version of this glue, with MACs from the neighbour table, comes later; it belongs
// in a module that sees both Balancer and BPF.)
import Balancer
@testable import BPF

enum DRStateAdapter {
    static func dataPath(_ state: DataPathState, link: (RealEntry) -> DRReal.Link?) -> DRDataPath {
        DRDataPath(
            services: state.services.map { service in
                let lookup: DRService.Lookup
                switch service.lookup {
                case .hash(let fields): lookup = .hash(fields: fields.rawValue)
                case .walk: lookup = .walk
                }
                return DRService(address: service.key.address.bytes, port: service.key.port,
                                 ipProtocol: service.key.transport.rawValue, id: service.id, lookup: lookup,
                                 persistenceTimeout: service.persistenceTimeout, ring: service.ring)
            },
            reals: state.reals.map { real in
                DRReal(index: real.index, generation: real.generation, serviceID: real.serviceID,
                       address: real.server.address.bytes, takesNewFlows: real.takesNewFlows, link: link(real))
            })
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
