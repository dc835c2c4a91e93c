// One step from the kernel's IPVS table towards the desired one.

public enum IPVSChange: Sendable, Hashable, CustomStringConvertible {
    case addService(IPVSService)
    /// Scheduler, persistence, options or persistence engine differ.
    case updateService(from: IPVSService, to: IPVSService)
    case removeService(IPVSServiceKey)
    case addDestination(IPVSServiceKey, IPVSDestination)
    /// Forwarding method, weight or thresholds differ.
    case updateDestination(IPVSServiceKey, from: IPVSDestination, to: IPVSDestination)
    case removeDestination(IPVSServiceKey, IPVSDestinationKey)

    /// The service the change touches.
    public var serviceKey: IPVSServiceKey {
        switch self {
        case .addService(let service): service.key
        case .updateService(_, let service): service.key
        case .removeService(let key): key
        case .addDestination(let key, _), .updateDestination(let key, _, _), .removeDestination(let key, _): key
        }
    }

    public var description: String {
        switch self {
        case .addService(let service): "add service \(service)"
        case .updateService(let old, let new): "change service \(old) -> \(new)"
        case .removeService(let key): "remove service \(key)"
        case .addDestination(let key, let destination): "add real server \(destination) to \(key)"
        case .updateDestination(let key, let old, let new):
            "change real server \(new.key) of \(key): \(old.forwarding) weight \(old.weight) -> \(new.forwarding) weight \(new.weight)"
        case .removeDestination(let key, let destination): "remove real server \(destination) from \(key)"
        }
    }
}
