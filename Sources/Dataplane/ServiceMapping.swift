// keepalived's virtual_server blocks as Balancer services for the XDP DR path.
//
// The XDP path steers (VIP, port, protocol) by direct routing with rr, wrr, mh, sh or dh, so the
// mapping refuses what it would otherwise have to carry out differently from IPVS:
// - lb_kind NAT or TUN (the service or a real), SCTP, fwmark services, services without a port;
// - schedulers it does not implement (lc, wlc, sed, nq, ...), and a block without lvs_sched:
//   keepalived's default there is wlc, so xdpha refuses instead of quietly using another one.
//   Such services need IPVS (`xdpha run --dataplane auto` sends them there, see DataPathSplit);
// - persistence_granularity other than a single address, and the `ops` flag (one-packet
//   scheduling: the XDP path always keeps a connection table).
// Everything is checked before anything is refused, so one error lists every problem.
import Balancer
import Config

public struct ServiceMapping: Hashable, Sendable {
    public var services: [Balancer.Service]
    /// What was accepted but is not acted on (sorry_server, mh-fallback, ...), one line each.
    public var notes: [String]

    public init(services: [Balancer.Service] = [], notes: [String] = []) {
        self.services = services
        self.notes = notes
    }

    /// The services of every virtual_server in `config`, or every reason some cannot be served.
    public static func map(_ config: KeepalivedConfig) throws(ServiceMappingError) -> ServiceMapping {
        var mapper = Mapper(groups: Dictionary(config.virtualServerGroups.map { ($0.name, $0) }) { first, _ in first })
        for server in config.virtualServers { mapper.add(server) }
        guard mapper.findings.problems.isEmpty else { throw ServiceMappingError(problems: mapper.findings.problems) }
        return ServiceMapping(services: mapper.services, notes: mapper.findings.notes)
    }
}

/// The Balancer scheduler for an `lvs_sched` name, nil for those the XDP path does not implement.
public func xdpScheduler(named name: String) -> Scheduler? {
    Scheduler(rawValue: name)
}

/// What the mapping found besides services; a class so that the helpers below can add to it
/// while the mapper is read.
private final class Findings {
    var notes: [String] = []
    var problems: [ServiceProblem] = []
}

/// Refuses one virtual_server: every reason lands in `findings`, `refused` remembers there was one.
private final class Refusal {
    let findings: Findings
    let subject: String
    let declaration: SourceLocation?
    private(set) var refused = false

    init(findings: Findings, subject: String, declaration: SourceLocation?) {
        self.findings = findings
        self.subject = subject
        self.declaration = declaration
    }

    func callAsFunction(_ reason: String, at location: SourceLocation?) {
        findings.problems.append(ServiceProblem(location: location ?? declaration, subject: subject, reason: reason))
        refused = true
    }

    func callAsFunction(_ reason: String) { self(reason, at: declaration) }
}

private struct Mapper {
    let groups: [String: VirtualServerGroup]
    var services: [Balancer.Service] = []
    let findings = Findings()
    private var seen: [ServiceKey: String] = [:]

    init(groups: [String: VirtualServerGroup]) { self.groups = groups }

    mutating func add(_ server: VirtualServer) {
        let subject = "virtual_server \(server.service)"
        let refuse = Refusal(findings: findings, subject: subject, declaration: server.source.declaration)

        if server.forwardingMethod != .dr {
            refuse("lb_kind \(server.forwardingMethod.rawValue): the XDP path forwards by direct routing only "
                   + "(lb_kind DR); NAT and TUN services need IPVS (xdpha run --dataplane auto or ipvs)",
                   at: server.source["lvs_method"])
        }
        let transport: TransportProtocol
        switch server.protocol {
        case .tcp?: transport = .tcp
        case .udp?: transport = .udp
        case nil:
            // Only fwmark services have none, and they are refused above already.
            transport = .tcp
        case .sctp?:
            transport = .tcp
            refuse("protocol SCTP: the XDP path steers TCP and UDP only", at: server.source["protocol"])
        }
        let scheduler = schedulerOf(server, refuse: refuse)
        let hashFields = hashFieldsOf(server, scheduler: scheduler, refuse: refuse)
        if let granularity = server.persistenceGranularity, !granularity.bytes.allSatisfy({ $0 == 0xFF }) {
            refuse("persistence_granularity \(granularity): the XDP path keeps persistence per client address only",
                   at: server.source["persistence_granularity"])
        }
        if server.sorryServer != nil {
            findings.notes.append("\(subject): sorry_server is not used by the XDP path yet")
        }
        let keys = serviceKeys(server, transport: transport, refuse: refuse)
        let reals = realsOf(server, keys: keys, refuse: refuse)
        guard !refuse.refused, let scheduler else { return }

        for key in keys {
            if let first = seen[key] {
                refuse("\(key) is already served by \(first)")
                continue
            }
            seen[key] = subject
            services.append(Balancer.Service(
                key: key, scheduler: scheduler, hashFields: hashFields,
                persistenceTimeout: UInt32(server.persistenceTimeout ?? 0),
                reals: reals.map { Balancer.RealServer(address: $0.address, port: $0.port ?? key.port, weight: $0.weight) }))
        }
    }

    private func schedulerOf(_ server: VirtualServer, refuse: Refusal) -> Scheduler? {
        guard server.source.keywords["lvs_sched"] != nil else {
            refuse("no lvs_sched: keepalived's default is wlc, which the XDP path does not carry out; "
                   + "write lvs_sched mh (weighted Maglev), sh, dh, rr or wrr, or let IPVS serve it (xdpha run --dataplane auto or ipvs)")
            return nil
        }
        guard let scheduler = xdpScheduler(named: server.scheduler) else {
            refuse("scheduler '\(server.scheduler)' is not carried out by the XDP path (it implements "
                   + "rr, wrr, mh, sh and dh); IPVS serves it (xdpha run --dataplane auto or ipvs)",
                   at: server.source["lvs_sched"])
            return nil
        }
        return scheduler
    }

    /// The flow fields a hash scheduler hashes, from the scheduler flags: `mh-port`, `sh-port`
    /// and `flag-2` add the client port. The fallback flags describe what the Maglev table does
    /// anyway (a real of weight 0 owns no slot); `ops` is refused.
    private func hashFieldsOf(_ server: VirtualServer, scheduler: Scheduler?, refuse: Refusal) -> FlowFields? {
        let subject = refuse.subject
        guard let scheduler else { return nil }
        var withPort = false
        let hashesSource = scheduler == .maglev || scheduler == .sourceHash
        for flag in server.schedulerFlags {
            let port = ["mh-port", "sh-port", "flag-2"].contains(flag)
            let fallback = ["mh-fallback", "sh-fallback", "flag-1"].contains(flag)
            if flag == "ops" {
                refuse("ops (one-packet scheduling) is not carried out by the XDP path: it keeps a connection table",
                       at: server.source["ops"])
            } else if port && hashesSource {
                withPort = true
            } else if fallback && hashesSource {
                findings.notes.append("\(subject): \(flag) is how the XDP path always behaves (weight 0 takes no new flows)")
            } else {
                findings.notes.append("\(subject): scheduler flag \(flag) means nothing for \(scheduler.rawValue) and is ignored")
            }
        }
        return scheduler.usesHash ? FlowFields.defaults(for: scheduler, hashSourcePort: withPort) : nil
    }

    private func serviceKeys(_ server: VirtualServer, transport: TransportProtocol, refuse: Refusal) -> [ServiceKey] {
        switch server.service.kind {
        case .address:
            guard let address = server.service.address.flatMap(balancerAddress) else { return [] }
            guard let port = server.service.port, port > 0, port <= 65535 else {
                refuse("a service without a port (every port of a persistent service) is not carried out by the "
                       + "XDP path, which matches address, port and protocol")
                return []
            }
            return [ServiceKey(address: address, port: UInt16(port), transport: transport)]
        case .fwmark:
            refuse("fwmark services need IPVS: the XDP path matches address, port and protocol")
            return []
        case .group:
            let name = server.service.group ?? ""
            guard let group = groups[name] else { return [] }   // the validator already reported it
            return group.entries.flatMap { groupKeys($0, group: name, transport: transport, refuse: refuse) }
        }
    }

    /// A group entry's services: one address, or an IPv4 range of at most 256 addresses.
    private func groupKeys(_ entry: VirtualServerGroup.Entry, group: String, transport: TransportProtocol,
                           refuse: Refusal) -> [ServiceKey] {
        let location = entry.source.declaration
        guard entry.fwmark == nil, let first = entry.address else {
            refuse("virtual_server_group \(group): fwmark entries need IPVS", at: location)
            return []
        }
        if let prefix = entry.prefixLength, prefix != first.family.maximumPrefixLength {
            refuse("virtual_server_group \(group): \(first)/\(prefix) is a network; the XDP path serves single addresses "
                   + "or a range of at most 256", at: location)
            return []
        }
        guard let port = entry.port, port > 0, port <= 65535 else {
            refuse("virtual_server_group \(group): \(first) has no port; the XDP path matches address, port and protocol",
                   at: location)
            return []
        }
        var addresses = [first]
        if let last = entry.lastAddress {
            guard first.family == .ipv4, last.family == .ipv4 else {
                refuse("virtual_server_group \(group): IPv6 ranges are not expanded by the XDP path", at: location)
                return []
            }
            let low = first.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            let high = last.bytes.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            guard high >= low, high - low < 256 else {
                refuse("virtual_server_group \(group): the range \(first)-\(last) is empty or longer than 256 addresses",
                       at: location)
                return []
            }
            addresses = (low...high).map { (value: UInt32) -> Config.IPAddress in
                let bytes: [UInt8] = [UInt8(truncatingIfNeeded: value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                                      UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
                return Config.IPAddress(ipv4: bytes)
            }
        }
        return addresses.compactMap(balancerAddress).map { ServiceKey(address: $0, port: UInt16(port), transport: transport) }
    }

    private func realsOf(_ server: VirtualServer, keys: [ServiceKey],
                         refuse: Refusal) -> [(address: Balancer.IPAddress, port: UInt16?, weight: UInt32)] {
        let subject = refuse.subject
        var reals: [(address: Balancer.IPAddress, port: UInt16?, weight: UInt32)] = []
        for real in server.realServers {
            let name = "real_server \(ServiceAddress.endpoint(real.address, real.port))"
            // A real inherits the service's method: one that is not DR was refused with the service.
            if real.forwardingMethod != .dr && server.forwardingMethod == .dr {
                refuse("\(name) has lb_kind \(real.forwardingMethod.rawValue): the XDP path forwards by direct routing only",
                       at: real.source.declaration)
                continue
            }
            guard let address = balancerAddress(real.address) else { continue }
            let port = real.port.flatMap { $0 > 0 && $0 <= 65535 ? UInt16($0) : nil }
            if let port, let key = keys.first, keys.allSatisfy({ $0.port == key.port }), port != key.port {
                findings.notes.append("\(subject): \(name): direct routing does not rewrite ports, the real receives port \(key.port)")
            }
            reals.append((address, port, UInt32(max(real.weight, 0))))
        }
        return reals
    }
}

private func balancerAddress(_ address: Config.IPAddress) -> Balancer.IPAddress? {
    Balancer.IPAddress(bytes: address.bytes)
}
