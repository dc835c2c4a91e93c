// LVS: virtual servers, their real servers and health checkers, and virtual server groups.

public enum ForwardingMethod: String, Codable, Sendable { case nat = "NAT", dr = "DR", tun = "TUN" }
public enum ServiceProtocol: String, Codable, Sendable { case tcp = "TCP", udp = "UDP", sctp = "SCTP" }

/// What a `virtual_server` line names: an address and port, a firewall mark or a group.
public struct ServiceAddress: Codable, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Codable, Sendable { case address, fwmark, group }
    public var kind: Kind
    public var address: IPAddress?
    public var port: Int?
    public var fwmark: Int?
    public var group: String?

    public static func endpoint(_ address: IPAddress, _ port: Int?) -> ServiceAddress {
        ServiceAddress(kind: .address, address: address, port: port)
    }

    public var description: String {
        switch kind {
        case .address:
            guard let address else { return "?" }
            let host = address.family == .ipv6 ? "[\(address)]" : "\(address)"
            return port.map { "\(host):\($0)" } ?? host
        case .fwmark: return "fwmark \(fwmark ?? 0)"
        case .group: return "group \(group ?? "")"
        }
    }
}

public struct VirtualServer: Codable, Sendable, Hashable {
    public var service: ServiceAddress
    /// `lvs_sched` / `lb_algo`; ipvsadm's default, wlc, when not set.
    public var scheduler = "wlc"
    /// Scheduler flags as written (`mh-port`, `sh-fallback`, `flag-2`, `ops`...), in order.
    public var schedulerFlags: [String] = []
    /// `lvs_method` / `lb_kind`; NAT when not set.
    public var forwardingMethod = ForwardingMethod.nat
    /// Seconds; nil when the service is not persistent (`persistence_timeout` alone means 360).
    public var persistenceTimeout: Int?
    public var persistenceGranularity: IPAddress?
    /// Resolved: as written; keepalived's (and the kernel's) UDP when an address service names
    /// none; nil for fwmark services, which forward every protocol.
    public var `protocol`: ServiceProtocol? = .tcp
    public var quorum = 1
    public var hysteresis = 0
    public var quorumUp: NotifyScript?
    public var quorumDown: NotifyScript?
    public var sorryServer: SorryServer?
    /// `sorry_server_inhibit`, folded into `sorryServer` when the model is resolved.
    @Unencoded var sorryServerInhibitWritten = WrittenFlag()
    public var inhibitOnFailure = false
    public var alpha = false
    public var omega = false
    public var haSuspend = false
    public var smtpAlert: Bool?
    public var virtualhost: String?
    /// Seconds between checks; the default for every checker below.
    public var delayLoop = 60.0
    /// Checker timing written at this level, inherited by real servers and their checkers.
    public var checkerDefaults = CheckerTimingOverrides()
    public var realServers: [RealServer] = []
    @Unencoded public var source = SourceMap()

    public init(service: ServiceAddress) { self.service = service }
}

/// A Bool that defaults to false, for `@Unencoded` use.
struct WrittenFlag: Sendable, Hashable, DefaultConstructible, ExpressibleByBooleanLiteral {
    var value = false
    init() {}
    init(booleanLiteral value: Bool) { self.value = value }
}

public struct SorryServer: Codable, Sendable, Hashable {
    public var address: IPAddress
    public var port: Int?
    public var inhibit = false
    public var forwardingMethod: ForwardingMethod?
}

public struct RealServer: Codable, Sendable, Hashable {
    public var address: IPAddress
    /// Resolved: the virtual server's port when not written.
    public var port: Int?
    public var weight = 1
    /// Resolved from the virtual server when not set here.
    public var forwardingMethod = ForwardingMethod.nat
    /// Resolved from the virtual server when not set here.
    public var inhibitOnFailure = false
    public var notifyUp: NotifyScript?
    public var notifyDown: NotifyScript?
    public var upperThreshold: Int?
    public var lowerThreshold: Int?
    public var alpha: Bool?
    public var smtpAlert: Bool?
    public var virtualhost: String?
    public var checkerDefaults = CheckerTimingOverrides()
    public var checkers: [HealthChecker] = []
    @Unencoded public var source = SourceMap()

    public init(address: IPAddress, port: Int?) {
        self.address = address
        self.port = port
    }
}

/// Timing written at the virtual or real server level; nil where not written.
public struct CheckerTimingOverrides: Codable, Sendable, Hashable {
    public var connectTimeout: Double?
    public var retry: Int?
    public var delayBeforeRetry: Double?
    public var warmup: Double?
    public var delayLoop: Double?
    public init() {}
}

/// The timing a checker runs with, after inheritance and keepalived's per-type defaults.
public struct CheckerTiming: Codable, Sendable, Hashable {
    public var connectTimeout = 5.0
    public var retry = 1
    public var delayBeforeRetry = 1.0
    public var warmup = 60.0
    public var delayLoop = 60.0
    public init() {}
}

public struct HealthChecker: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case tcp = "TCP_CHECK", http = "HTTP_GET", ssl = "SSL_GET", misc = "MISC_CHECK", ping = "PING_CHECK"
        case udp = "UDP_CHECK", dns = "DNS_CHECK", smtp = "SMTP_CHECK", file = "FILE_CHECK"
    }

    public var type: Kind
    /// Resolved timing (see `CheckerTiming`).
    public var timing = CheckerTiming()
    /// Timing written in the checker block itself.
    public var written = CheckerTimingOverrides()
    public var connectIP: IPAddress?
    public var connectPort: Int?
    public var bindTo: IPAddress?
    public var bindPort: Int?
    public var bindInterface: String?
    public var fwmark: Int?
    public var alpha: Bool?
    public var logAllFailures: Bool?
    public var http: HTTPCheck?
    public var misc: MiscCheck?
    public var dns: DNSCheck?
    public var smtp: SMTPCheck?
    public var udp: UDPCheck?
    public var file: FileCheck?
    @Unencoded public var source = SourceMap()

    public init(type: Kind) {
        self.type = type
        switch type {
        case .http, .ssl: http = HTTPCheck()
        case .misc: misc = MiscCheck()
        case .dns: dns = DNSCheck()
        case .smtp: smtp = SMTPCheck()
        case .udp: udp = UDPCheck()
        case .file: file = FileCheck()
        case .tcp, .ping: break
        }
    }
}

public struct HTTPCheck: Codable, Sendable, Hashable {
    public var urls: [URLCheck] = []
    /// "1.0", "1.0C" or "1.1".
    public var httpProtocol: String?
    public var virtualhost: String?
    public var enableSNI = false
    public var fastRecovery = false
    public init() {}
}

public struct URLCheck: Codable, Sendable, Hashable {
    public var path = ""
    /// MD5 of the body as genhash prints it (32 hex digits).
    public var digest: String?
    /// Accepted HTTP status codes; 200-299 when not set.
    public var statusCodes: [StatusCodeRange] = [StatusCodeRange(from: 200, to: 299)]
    public var virtualhost: String?
    @Unencoded public var source = SourceMap()
    public init() {}
}

public struct StatusCodeRange: Codable, Sendable, Hashable {
    public var from: Int
    public var to: Int
}

public struct MiscCheck: Codable, Sendable, Hashable {
    public var path = ""
    /// Seconds; defaults to the checker's delay loop.
    public var timeout: Double?
    public var dynamic = false
    public var user: ScriptUser?
    public init() {}
}

public struct DNSCheck: Codable, Sendable, Hashable {
    public var type = "SOA"
    public var name = "."
    public init() {}
}

public struct SMTPCheck: Codable, Sendable, Hashable {
    public var heloName: String?
    public init() {}
}

public struct UDPCheck: Codable, Sendable, Hashable {
    public var payload: String?
    public var requireReply: String?
    public var requiresReply = false
    public var minimumReplyLength = 0
    public var maximumReplyLength = 255
    public init() {}
}

public struct FileCheck: Codable, Sendable, Hashable {
    public var trackFile = ""
    public var dynamic = false
    public var weight: Int?
    public var reverse = false
    public init() {}
}

public struct VirtualServerGroup: Codable, Sendable, Hashable {
    public var name: String
    public var entries: [Entry] = []
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }

    /// `IP [PORT]`, `IP-LAST [PORT]` (a range), `IP/N [PORT]` or `fwmark N [inet|inet6]`.
    public struct Entry: Codable, Sendable, Hashable {
        public var address: IPAddress?
        public var lastAddress: IPAddress?
        public var prefixLength: Int?
        public var port: Int?
        public var fwmark: Int?
        public var family: IPAddress.Family?
        @Unencoded public var source = SourceMap()
        public init() {}
    }
}
