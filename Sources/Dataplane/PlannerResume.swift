// A planner that continues where the maps' last writer stopped. Flows in the connection table
// name a real by (index, generation) and services by id; a controller that starts over pinned
// maps must hand out the same numbers for the same services and reals, or every established flow
// would be scheduled again (and, with a changed ring, sent to a real that knows nothing of it).
//
// The maps do not record a real's port; direct routing does not rewrite ports, so a real is taken
// to listen on its service's port. A configuration that gives a DR real another port gets a new
// index for it after a restart (its flows are scheduled again).
import Balancer
import BPF

public enum PlannerResume {
    public static func memory(from snapshot: DRSnapshot) -> DataPathPlanner.Memory {
        var memory = DataPathPlanner.Memory()
        var keyOfID: [UInt32: ServiceKey] = [:]
        for service in snapshot.services {
            guard let address = IPAddress(bytes: service.address),
                  let transport = TransportProtocol(rawValue: service.ipProtocol) else { continue }
            let key = ServiceKey(address: address, port: service.port, transport: transport)
            memory.serviceIDs[key] = service.id
            keyOfID[service.id] = key
        }
        for real in snapshot.reals {
            guard let key = keyOfID[real.serviceID], let address = IPAddress(bytes: real.address) else { continue }
            memory.reals.append(.init(service: key, address: address, port: key.port, index: real.index,
                                      generation: real.generation))
            memory.lastGeneration = max(memory.lastGeneration, real.generation)
        }
        return memory
    }
}
