// keepalived's virtual_server blocks as the kernel's IPVS table (IPVSState), the way keepalived
// itself programs IPVS: one kernel service per address:port:protocol or per firewall mark (a
// virtual_server_group gives one per entry and per address of a range), lvs_sched as the
// scheduler module (wlc when not written, as keepalived and ipvsadm do), the scheduler flags as
// IP_VS_SVC_F_SCHED* bits (sh-fallback = mh-fallback = flag-1, sh-port = mh-port = flag-2, flag-3),
// `ops` as one-packet scheduling, persistence_timeout/granularity, lb_kind per service and per
// real, weights and connection thresholds.
//
// What IPVS cannot do is refused with where it was written: a real of the other address family
// without tunnelling, a persistence_granularity that is not a netmask of the service's family,
// a group network or range of more than 256 addresses, two blocks naming the same service.
// Health decisions (which reals, at which weight, the sorry server) are already in the
// configuration the daemon hands over; nothing here looks at checkers.
import Config
import IPVS

public struct IPVSMapping: Hashable, Sendable {
    public var state: IPVSState
    /// Accepted but changed or not acted on, one line each.
    public var notes: [String]
    /// global_defs `lvs_flush`: empty the whole table (other programs' services too) at start.
    public var flushesTableAtStart: Bool

    public init(state: IPVSState = .empty, notes: [String] = [], flushesTableAtStart: Bool = false) {
        self.state = state
        self.notes = notes
        self.flushesTableAtStart = flushesTableAtStart
    }

    /// The IPVS table `config`'s virtual servers describe, or every reason some cannot be served.
    public static func map(_ config: KeepalivedConfig) throws(ServiceMappingError) -> IPVSMapping {
        let mapper = IPVSMapper(groups: Dictionary(config.virtualServerGroups.map { ($0.name, $0) }) { first, _ in first })
        for server in config.virtualServers { mapper.add(server) }
        if mapper.problems.isEmpty {
            do {
                try mapper.state.validate()
            } catch {
                mapper.problems.append(ServiceProblem(location: nil, subject: "IPVS table", reason: error.description))
            }
        }
        guard mapper.problems.isEmpty else { throw ServiceMappingError(problems: mapper.problems, path: "IPVS") }
        return IPVSMapping(state: mapper.state, notes: mapper.notes, flushesTableAtStart: config.global.lvsFlush)
    }

    /// Most addresses one group entry (a range or a network) may stand for: keepalived's own
    /// range syntax covers at most a last octet, and each address is one kernel service.
    public static let largestGroupEntry = 256
}

// A class: the refusal closure and the helpers add to the same findings while one block is read.
private final class IPVSMapper {
    let groups: [String: VirtualServerGroup]
    var state = IPVSState()
    var notes: [String] = []
    var problems: [ServiceProblem] = []
    private var servedBy: [IPVSServiceKey: String] = [:]

    init(groups: [String: VirtualServerGroup]) { self.groups = groups }

    func add(_ server: VirtualServer) {
        let subject = "virtual_server \(server.service)"
        func refuse(_ reason: String, at location: SourceLocation?) {
            problems.append(ServiceProblem(location: location ?? server.source.declaration, subject: subject, reason: reason))
        }

        let keys = serviceKeys(server, refuse: refuse)
        let options = schedulerOptions(server, subject: subject)
        var persistence: IPVSPersistence?
        if let timeout = server.persistenceTimeout {
            persistence = IPVSPersistence(timeout: UInt32(timeout))
        } else if server.persistenceGranularity != nil {
            notes.append("\(subject): persistence_granularity without persistence_timeout has no effect")
        }
        for key in keys {
            var service = IPVSService(key, scheduler: server.scheduler, options: options)
            if var persistence {
                if let mask = server.persistenceGranularity {
                    guard let bits = prefixLength(of: mask, family: key.family) else {
                        refuse("persistence_granularity \(mask) is not a netmask of an \(key.family) service",
                               at: server.source["persistence_granularity"])
                        break
                    }
                    persistence.granularity = bits
                }
                service.persistence = persistence
            }
            guard let destinations = destinations(of: server, for: key, subject: subject, refuse: refuse) else { break }
            if let first = servedBy[key] {
                refuse("\(key) is already served by \(first)", at: nil)
                continue
            }
            servedBy[key] = subject
            state.virtualServers.append(IPVSVirtualServer(service, destinations: destinations))
        }
    }

    // MARK: services

    private func serviceKeys(_ server: VirtualServer, refuse: (String, SourceLocation?) -> Void) -> [IPVSServiceKey] {
        let proto = ipvsProtocol(server.protocol)
        switch server.service.kind {
        case .address:
            guard let address = server.service.address.flatMap(ipvsAddress) else { return [] }
            // No port: a persistent service for every port (the configuration checks insist on persistence).
            return [.address(proto, address, port: UInt16(clamping: server.service.port ?? 0))]
        case .fwmark:
            let mark = UInt32(clamping: server.service.fwmark ?? 0)
            return [.firewallMark(mark, family: realsFamily(server) ?? .inet)]
        case .group:
            let name = server.service.group ?? ""
            guard let group = groups[name] else { return [] }   // the validator already reported it
            return group.entries.flatMap { entry -> [IPVSServiceKey] in
                if let mark = entry.fwmark {
                    let family: IPVSAddressFamily? = entry.family.map { $0 == .ipv4 ? .inet : .inet6 }
                    return [.firewallMark(UInt32(clamping: mark), family: family ?? realsFamily(server) ?? .inet)]
                }
                guard let first = entry.address else { return [] }
                let port = entry.port ?? 0
                if port == 0 && server.persistenceTimeout == nil {
                    refuse("virtual_server_group \(name): \(first) has no port; only a persistent service may serve every port",
                           entry.source.declaration)
                    return []
                }
                guard let addresses = groupAddresses(entry, group: name, refuse: refuse) else { return [] }
                return addresses.map { .address(proto, $0, port: UInt16(clamping: port)) }
            }
        }
    }

    /// The addresses of one group entry: one, a range (`A-B`) or every address of a network (`A/N`).
    private func groupAddresses(_ entry: VirtualServerGroup.Entry, group: String,
                                refuse: (String, SourceLocation?) -> Void) -> [IPVSAddress]? {
        guard let first = entry.address else { return nil }
        let limit = IPVSMapping.largestGroupEntry
        var low = first.bytes, high = first.bytes
        if let last = entry.lastAddress {
            high = last.bytes
        } else if let prefix = entry.prefixLength, prefix < first.family.maximumPrefixLength {
            for bit in prefix..<first.family.maximumPrefixLength {
                low[bit / 8] &= ~(0x80 >> UInt8(bit % 8))
                high[bit / 8] |= 0x80 >> UInt8(bit % 8)
            }
        }
        // Ranges only differ in their last bytes; everything above the last four must match.
        let fixed = low.count - 4
        let lowTail = low.suffix(4).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        let highTail = high.suffix(4).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard low.prefix(fixed) == high.prefix(fixed), highTail >= lowTail, highTail - lowTail < UInt64(limit) else {
            refuse("virtual_server_group \(group): \(entryText(entry)) stands for more than \(limit) addresses; "
                   + "IPVS needs one service per address (use a fwmark service for a network)", entry.source.declaration)
            return nil
        }
        return (lowTail...highTail).compactMap { value in
            let tail = (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * (3 - $0))) }
            return IPVSAddress(family: first.family == .ipv4 ? .inet : .inet6, bytes: Array(low.prefix(fixed)) + tail)
        }
    }

    private func entryText(_ entry: VirtualServerGroup.Entry) -> String {
        guard let first = entry.address else { return "entry" }
        if let last = entry.lastAddress { return "\(first)-\(last)" }
        return entry.prefixLength.map { "\(first)/\($0)" } ?? "\(first)"
    }

    /// The scheduler flags as IPVS service flags. keepalived's named flags are aliases of the
    /// numbered ones; a flag for another scheduler is passed on (as keepalived does) with a note.
    private func schedulerOptions(_ server: VirtualServer, subject: String) -> IPVSServiceOptions {
        var options: IPVSServiceOptions = []
        for flag in server.schedulerFlags {
            switch flag {
            case "flag-1", "sh-fallback", "mh-fallback": options.insert(.schedulerFlag1)
            case "flag-2", "sh-port", "mh-port": options.insert(.schedulerFlag2)
            case "flag-3": options.insert(.schedulerFlag3)
            case "ops":
                options.insert(.onePacket)
                if server.protocol != .udp {
                    notes.append("\(subject): ops schedules UDP datagrams one by one; the kernel ignores it for other protocols")
                }
            default: notes.append("\(subject): unknown scheduler flag \(flag) ignored")
            }
            let named = flag.split(separator: "-").first.map(String.init) ?? ""
            if (named == "sh" || named == "mh") && named != server.scheduler {
                notes.append("\(subject): \(flag) means nothing for scheduler \(server.scheduler)")
            }
        }
        return options
    }

    // MARK: real servers

    /// The destinations of one kernel service; nil when a real cannot be served.
    private func destinations(of server: VirtualServer, for key: IPVSServiceKey, subject: String,
                                       refuse: (String, SourceLocation?) -> Void) -> [IPVSDestination]? {
        var result: [IPVSDestination] = []
        var refused = false
        for real in server.realServers {
            let name = "real_server \(ServiceAddress.endpoint(real.address, real.port))"
            guard let address = ipvsAddress(real.address) else { continue }
            let forwarding = ipvsForwarding(real.forwardingMethod)
            if address.family != key.family && forwarding != .tunnel {
                refuse("\(name) is \(address.family) in an \(key.family) service: the kernel forwards across "
                       + "families only by tunnelling (lb_kind TUN)", real.source.declaration)
                refused = true
                continue
            }
            let port: UInt16
            switch (key, forwarding) {
            case (.firewallMark, _):
                port = 0   // the packet keeps its own port
            case (.address(_, _, let servicePort), .masquerade):
                port = UInt16(clamping: real.port ?? Int(servicePort))
            case (.address(_, _, let servicePort), _):
                // Direct routing and tunnelling do not rewrite ports.
                if let written = real.port, written != Int(servicePort), servicePort != 0 {
                    notes.append("\(subject): \(name): lb_kind \(real.forwardingMethod.rawValue) does not rewrite ports, "
                                 + "the real receives port \(servicePort)")
                }
                port = servicePort
            }
            let destination = IPVSDestination(address, port: port, forwarding: forwarding, weight: max(real.weight, 0),
                                              upperThreshold: UInt32(clamping: real.upperThreshold ?? 0),
                                              lowerThreshold: UInt32(clamping: real.lowerThreshold ?? 0))
            if result.contains(where: { $0.key == destination.key }) {
                refuse("\(name) is listed twice for \(key)", real.source.declaration)
                refused = true
                continue
            }
            result.append(destination)
        }
        return refused ? nil : result
    }

    /// A fwmark service's family: its reals'; IPv4 when it has none.
    private func realsFamily(_ server: VirtualServer) -> IPVSAddressFamily? {
        server.realServers.first.map { $0.address.family == .ipv4 ? .inet : .inet6 }
    }
}

private func ipvsAddress(_ address: Config.IPAddress) -> IPVSAddress? {
    IPVSAddress(family: address.family == .ipv4 ? .inet : .inet6, bytes: address.bytes)
}

private func ipvsProtocol(_ proto: ServiceProtocol?) -> IPVSProtocol {
    switch proto {
    case .udp?: .udp
    case .sctp?: .sctp
    case .tcp?, nil: .tcp
    }
}

private func ipvsForwarding(_ method: ForwardingMethod) -> IPVSForwarding {
    switch method {
    case .nat: .masquerade
    case .dr: .directRoute
    case .tun: .tunnel
    }
}

/// The prefix length of a contiguous netmask of `family`, nil for anything else.
private func prefixLength(of mask: Config.IPAddress, family: IPVSAddressFamily) -> Int? {
    guard mask.bytes.count == family.addressLength else { return nil }
    let bits: [Bool] = mask.bytes.flatMap { (byte: UInt8) -> [Bool] in (0..<8).map { byte & (0x80 >> UInt8($0)) != 0 } }
    let ones = bits.prefix { $0 }.count
    guard !bits.dropFirst(ones).contains(true), ones > 0 else { return nil }
    return ones
}
