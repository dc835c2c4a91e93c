// The kernel's IPVS table through generic netlink: list, add, change and remove services and
// their real servers. One client holds one socket; its network namespace is the one of the
// thread that created it, and it stays there whichever thread uses it afterwards.
import Foundation

public final class IPVSClient: @unchecked Sendable {
    private let socket: GenericNetlinkSocket
    /// libnl sockets are not thread-safe: one request at a time.
    private let lock = NSLock()

    /// Opens a socket; throws `IPVSError.unavailable` when the kernel has no IPVS.
    public init() throws(IPVSError) {
        socket = try GenericNetlinkSocket(familyName: IPVSKernel.familyName)
    }

    /// Why IPVS cannot be used from this thread's namespace, or nil when it can.
    public static var unavailableReason: String? {
        do {
            _ = try IPVSClient()
            return nil
        } catch {
            return error.description
        }
    }

    // MARK: Reading

    public func services() throws(IPVSError) -> [IPVSService] {
        var services: [IPVSService] = []
        for message in try perform(.listServices()) {
            services.append(try IPVSReply.service(from: message))
        }
        return services
    }

    /// The real servers of a service; none when the service does not exist either (the
    /// kernel's dump does not tell the two apart).
    public func destinations(of key: IPVSServiceKey) throws(IPVSError) -> [IPVSDestination] {
        var destinations: [IPVSDestination] = []
        for message in try perform(.listDestinations(of: key)) {
            destinations.append(try IPVSReply.destination(from: message, serviceFamily: key.family))
        }
        return destinations
    }

    /// Every service of the namespace with its real servers.
    public func state() throws(IPVSError) -> IPVSState {
        var servers: [IPVSVirtualServer] = []
        for service in try services() {
            servers.append(IPVSVirtualServer(service, destinations: try destinations(of: service.key)))
        }
        return IPVSState(servers)
    }

    // MARK: Writing

    public func add(_ service: IPVSService) throws(IPVSError) { try perform(.add(service)) }
    /// Replaces the settings of the service with `service.key`.
    public func update(_ service: IPVSService) throws(IPVSError) { try perform(.update(service)) }
    public func removeService(_ key: IPVSServiceKey) throws(IPVSError) { try perform(.removeService(key)) }

    public func add(_ destination: IPVSDestination, to key: IPVSServiceKey) throws(IPVSError) {
        try perform(.add(destination, to: key))
    }

    public func update(_ destination: IPVSDestination, in key: IPVSServiceKey) throws(IPVSError) {
        try perform(.update(destination, in: key))
    }

    public func removeDestination(_ destination: IPVSDestinationKey, from key: IPVSServiceKey) throws(IPVSError) {
        try perform(.removeDestination(destination, from: key))
    }

    /// Removes every service of the namespace, including those other programs made.
    public func flush() throws(IPVSError) { try perform(.flush()) }

    /// Makes one planned change.
    public func apply(_ change: IPVSChange) throws(IPVSError) {
        switch change {
        case .addService(let service): try add(service)
        case .updateService(_, let service): try update(service)
        case .removeService(let key): try removeService(key)
        case .addDestination(let key, let destination): try add(destination, to: key)
        case .updateDestination(let key, _, let destination): try update(destination, in: key)
        case .removeDestination(let key, let destination): try removeDestination(destination, from: key)
        }
    }

    @discardableResult
    private func perform(_ request: IPVSRequest) throws(IPVSError) -> [[UInt8]] {
        lock.lock()
        defer { lock.unlock() }
        return try socket.perform(command: request.command.rawValue, version: IPVSKernel.familyVersion,
                                  dump: request.dump, attributes: request.attributes, operation: request.operation)
    }
}
