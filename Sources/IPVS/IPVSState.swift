// The whole IPVS table as a value: what the kernel holds (read back) or what should be there
// (desired), one virtual server per service key.

/// A service with its real servers (keepalived's virtual_server with its real_server blocks).
public struct IPVSVirtualServer: Sendable, Hashable, CustomStringConvertible {
    public var service: IPVSService
    public var destinations: [IPVSDestination]

    public init(_ service: IPVSService, destinations: [IPVSDestination] = []) {
        self.service = service
        self.destinations = destinations
    }

    public var key: IPVSServiceKey { service.key }

    public func destination(_ key: IPVSDestinationKey) -> IPVSDestination? {
        destinations.first { $0.key == key }
    }

    public var description: String {
        ([service.description] + destinations.sorted { $0.key < $1.key }.map { "  -> \($0)" })
            .joined(separator: "\n")
    }
}

public struct IPVSState: Sendable, Hashable, CustomStringConvertible {
    public var virtualServers: [IPVSVirtualServer]

    public init(_ virtualServers: [IPVSVirtualServer] = []) {
        self.virtualServers = virtualServers
    }

    public static let empty = IPVSState()

    public var serviceKeys: Set<IPVSServiceKey> { Set(virtualServers.map(\.key)) }

    public func virtualServer(_ key: IPVSServiceKey) -> IPVSVirtualServer? {
        virtualServers.first { $0.key == key }
    }

    /// The same state with services and real servers in a fixed order and settings in the
    /// kernel's canonical form, so that two readings of one table compare equal.
    public var canonical: IPVSState {
        IPVSState(virtualServers.map {
            IPVSVirtualServer($0.service.canonical, destinations: $0.destinations.sorted { $0.key < $1.key })
        }.sorted { $0.key < $1.key })
    }

    public var description: String {
        canonical.virtualServers.map(\.description).joined(separator: "\n")
    }

    /// Checks what the kernel would refuse (or silently change), before anything is sent.
    public func validate() throws(IPVSError) {
        var seen = Set<IPVSServiceKey>()
        for server in virtualServers {
            guard seen.insert(server.key).inserted else {
                throw .invalidState("service \(server.key) appears twice")
            }
            try server.validate()
        }
    }
}

extension IPVSService {
    /// A granularity covering the whole address is the same as none (the kernel's default).
    var canonical: IPVSService {
        var copy = self
        if let bits = copy.persistence?.granularity, bits == key.family.maximumPrefixLength {
            copy.persistence?.granularity = nil
        }
        return copy
    }
}

extension IPVSVirtualServer {
    func validate() throws(IPVSError) {
        let service = self.service
        let name = service.scheduler
        guard !name.isEmpty, name.utf8.count < IPVSKernel.schedulerNameMaxLength,
              name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .invalidState("service \(key): scheduler name \"\(name)\" is not a module name of under 16 characters")
        }
        if let engine = service.persistenceEngine,
           engine.isEmpty || engine.utf8.count >= IPVSKernel.persistenceEngineNameMaxLength {
            throw .invalidState("service \(key): persistence engine name \"\(engine)\" must have 1 to 15 characters")
        }
        if let persistence = service.persistence {
            if persistence.timeout == 0 {
                throw .invalidState("service \(key): persistence timeout must be at least 1 second")
            }
            if let bits = persistence.granularity, !(1...key.family.maximumPrefixLength).contains(bits) {
                throw .invalidState("service \(key): persistence granularity /\(bits) does not fit \(key.family)")
            }
        }
        if case .firewallMark(0, _) = key {
            throw .invalidState("firewall mark 0 marks no packet")
        }
        var seen = Set<IPVSDestinationKey>()
        for destination in destinations {
            guard seen.insert(destination.key).inserted else {
                throw .invalidState("service \(key): real server \(destination.key) appears twice")
            }
            guard (0...Int(Int32.max)).contains(destination.weight) else {
                throw .invalidState("service \(key): real server \(destination.key) weight \(destination.weight) is out of 0...\(Int32.max)")
            }
            if destination.upperThreshold != 0 && destination.lowerThreshold > destination.upperThreshold {
                throw .invalidState("service \(key): real server \(destination.key) lower threshold exceeds the upper one")
            }
            // The kernel forwards to another family only through a tunnel.
            if destination.address.family != key.family && destination.forwarding != .tunnel {
                throw .invalidState("service \(key): \(destination.address.family) real server \(destination.key) needs tunnel forwarding")
            }
        }
    }
}
