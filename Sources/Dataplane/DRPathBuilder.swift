// Balancer's desired state plus what only the host knows (each real's link) as the BPF module's
// DRDataPath. A real without a resolved link is planned with weight 0: it keeps its index (and
// its established flows, which go to the kernel until it resolves) but takes no new flows, so no
// client is scheduled onto a real the director cannot send to.
import Balancer
import BPF

public enum DRPathBuilder {
    /// `services` as the planner should see them: reals without a resolved link weigh 0.
    public static func plannable(_ services: [Service], links: [IPAddress: RealLink]) -> [Service] {
        services.map { service in
            var service = service
            service.reals = service.reals.map { real in
                links[real.address]?.link == nil
                    ? RealServer(address: real.address, port: real.port, weight: 0) : real
            }
            return service
        }
    }

    /// The maps' contents for `state`, planned from `plannable(configured, links:)`. Weights in
    /// the maps are the configured ones (for status), clamped to the map field.
    public static func dataPath(_ state: DataPathState, configured: [Service], links: [IPAddress: RealLink]) -> DRDataPath {
        var weights: [ServiceKey: [RealKey: UInt32]] = [:]
        for service in configured {
            for real in service.reals { weights[service.key, default: [:]][RealKey(real)] = real.weight }
        }
        let keyOfID = Dictionary(uniqueKeysWithValues: state.services.map { ($0.id, $0.key) })
        return DRDataPath(
            services: state.services.map { service in
                let lookup: DRService.Lookup
                switch service.lookup {
                case .hash(let fields): lookup = .hash(fields: fields.rawValue)
                case .walk: lookup = .walk
                }
                return DRService(address: service.key.address.bytes, port: service.key.port,
                                 ipProtocol: service.key.transport.rawValue, id: service.id, lookup: lookup,
                                 persistenceTimeout: service.persistenceTimeout, ring: service.ring,
                                 schedulerName: schedulerName(service.scheduler))
            },
            reals: state.reals.map { real in
                let configuredWeight = keyOfID[real.serviceID].flatMap { weights[$0]?[RealKey(real.server)] }
                    ?? real.server.weight
                return DRReal(index: real.index, generation: real.generation, serviceID: real.serviceID,
                              address: real.server.address.bytes, takesNewFlows: real.takesNewFlows,
                              link: links[real.server.address]?.link,
                              weight: UInt16(clamping: configuredWeight))
            })
    }

    public static func schedulerName(_ scheduler: Scheduler) -> DRSchedulerName {
        switch scheduler {
        case .roundRobin: return .rr
        case .weightedRoundRobin: return .wrr
        case .maglev: return .mh
        case .sourceHash: return .sh
        case .destinationHash: return .dh
        }
    }

    private struct RealKey: Hashable {
        let address: IPAddress
        let port: UInt16
        init(_ real: RealServer) {
            address = real.address
            port = real.port
        }
    }
}
