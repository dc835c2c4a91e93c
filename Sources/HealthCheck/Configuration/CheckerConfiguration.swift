// One checker of a real server: what it checks (the kind and its options), how it connects, and
// its timing. Mirrors the checker blocks of keepalived.conf(5).
public struct CheckerConfiguration: Sendable, Hashable {
    public var kind: CheckKind
    public var connection: ConnectionOptions
    public var timing: CheckTiming

    public init(_ kind: CheckKind, connection: ConnectionOptions = ConnectionOptions(),
                timing: CheckTiming = CheckTiming()) {
        self.kind = kind
        self.connection = connection
        self.timing = timing
    }
}

public enum CheckKind: Sendable, Hashable {
    /// TCP_CHECK: a connect that completes is a success.
    case tcp
    /// HTTP_GET, or SSL_GET when `options.tls` is set.
    case http(HTTPCheckOptions)
    /// SMTP_CHECK: banner 220, HELO, 250, QUIT.
    case smtp(SMTPCheckOptions)
    /// DNS_CHECK: a query over UDP answered with NOERROR and an answer of the asked type.
    case dns(DNSCheckOptions)
    /// MISC_CHECK: a script's exit code.
    case misc(MiscCheckOptions)
    /// PING_CHECK: an ICMP (or ICMPv6) echo answered.
    case ping
    /// UDP_CHECK: a datagram sent; no ICMP error (and, if required, a matching reply).
    case udp(UDPCheckOptions)
    /// FILE_CHECK: a number in a file (track_file).
    case file(FileCheckOptions)

    /// keepalived's keyword for this checker, for logs.
    public var keyword: String {
        switch self {
        case .tcp: "TCP_CHECK"
        case .http(let options): options.tls == nil ? "HTTP_GET" : "SSL_GET"
        case .smtp: "SMTP_CHECK"
        case .dns: "DNS_CHECK"
        case .misc: "MISC_CHECK"
        case .ping: "PING_CHECK"
        case .udp: "UDP_CHECK"
        case .file: "FILE_CHECK"
        }
    }
}

/// Generic connection options: `connect_ip`, `connect_port`, `bindto`, `bind_port`, `fwmark`.
public struct ConnectionOptions: Sendable, Hashable {
    public var connectIP: String?
    public var connectPort: Int?
    public var bindTo: String?
    public var bindPort: Int?
    /// SO_MARK on the checker's socket, so policy routing can steer probes.
    public var fwmark: UInt32?

    public init(connectIP: String? = nil, connectPort: Int? = nil, bindTo: String? = nil,
                bindPort: Int? = nil, fwmark: UInt32? = nil) {
        self.connectIP = connectIP
        self.connectPort = connectPort
        self.bindTo = bindTo
        self.bindPort = bindPort
        self.fwmark = fwmark
    }

    /// Where to connect for a real server at `real`: connect_ip/connect_port override it.
    public func target(for real: Endpoint) -> Endpoint {
        Endpoint(connectIP ?? real.address, connectPort ?? real.port)
    }
}

public struct HTTPCheckOptions: Sendable, Hashable {
    public var urls: [URLCheck]
    public var httpProtocol: HTTPProtocolVersion
    /// Host header when a URL sets none (the real or virtual server's `virtualhost`).
    public var virtualhost: String?
    /// Set for SSL_GET.
    public var tls: TLSOptions?

    public init(urls: [URLCheck], httpProtocol: HTTPProtocolVersion = .http11,
                virtualhost: String? = nil, tls: TLSOptions? = nil) {
        self.urls = urls
        self.httpProtocol = httpProtocol
        self.virtualhost = virtualhost
        self.tls = tls
    }
}

/// One `url { }` block.
public struct URLCheck: Sendable, Hashable {
    public var path: String
    /// `digest`: MD5 of the body in lowercase hex, as genhash prints it.
    public var digest: String?
    /// `status_code`: default 200-299.
    public var statusCodes: StatusCodeSet
    public var virtualhost: String?

    public init(path: String, digest: String? = nil, statusCodes: StatusCodeSet = .success,
                virtualhost: String? = nil) {
        self.path = path
        self.digest = digest?.lowercased()
        self.statusCodes = statusCodes
        self.virtualhost = virtualhost
    }
}

/// `http_protocol`: 1.0, 1.0C (1.0 with `Connection: close`) or 1.1 (which also sends close).
public enum HTTPProtocolVersion: String, Sendable, Hashable, CaseIterable {
    case http10 = "1.0"
    case http10Close = "1.0C"
    case http11 = "1.1"
}

/// SSL_GET's TLS settings. Like keepalived without an `SSL { ca }` block, the peer's
/// certificate is not verified: the check is about the service answering, not identity.
public struct TLSOptions: Sendable, Hashable {
    /// `enable_sni`: send a server name (sni_name, else the virtualhost).
    public var enableSNI: Bool
    public var sniName: String?
    /// `SSL { ca }`: verify the peer against this CA file when set.
    public var caFile: String?
    /// `SSL { certificate key }`: client certificate.
    public var certificateFile: String?
    public var keyFile: String?

    public init(enableSNI: Bool = false, sniName: String? = nil, caFile: String? = nil,
                certificateFile: String? = nil, keyFile: String? = nil) {
        self.enableSNI = enableSNI
        self.sniName = sniName
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

public struct SMTPCheckOptions: Sendable, Hashable {
    /// `helo_name`: default is this host's name.
    public var heloName: String?
    public init(heloName: String? = nil) { self.heloName = heloName }
}

public struct DNSCheckOptions: Sendable, Hashable {
    /// `type`: default SOA.
    public var type: DNSRecordType
    /// `name`: default "." (the root).
    public var name: String

    public init(type: DNSRecordType = .soa, name: String = ".") {
        self.type = type
        self.name = name
    }
}

public struct MiscCheckOptions: Sendable, Hashable {
    public var script: ScriptCommand
    /// `misc_timeout`: how long the script may run; nil = the checker's delay_loop, as in keepalived.
    public var timeout: Duration?
    /// `misc_dynamic`: exit codes 2..255 set the weight to code - 2.
    public var dynamic: Bool

    public init(script: ScriptCommand, timeout: Duration? = nil, dynamic: Bool = false) {
        self.script = script
        self.timeout = timeout
        self.dynamic = dynamic
    }
}

public struct UDPCheckOptions: Sendable, Hashable {
    /// `payload`: bytes to send; nil sends a random payload as keepalived does.
    public var payload: [UInt8]?
    /// `require_reply`: nil = no reply needed; a pattern (possibly empty) = a reply is needed.
    public var requireReply: HexPattern?
    public var minReplyLength: Int
    public var maxReplyLength: Int

    public init(payload: [UInt8]? = nil, requireReply: HexPattern? = nil,
                minReplyLength: Int = 0, maxReplyLength: Int = 255) {
        self.payload = payload
        self.requireReply = requireReply
        self.minReplyLength = minReplyLength
        self.maxReplyLength = maxReplyLength
    }
}

public struct FileCheckOptions: Sendable, Hashable {
    /// The tracked file's path (from its `track_file NAME { file PATH }` block).
    public var path: String
    /// `weight`: 0 means "non-zero is a failure"; otherwise value x weight is added to the weight.
    public var weight: Int
    public var reverse: Bool
    /// How often the file is read (keepalived reacts to inotify; polling keeps this portable).
    public var pollInterval: Duration

    public init(path: String, weight: Int = 0, reverse: Bool = false, pollInterval: Duration = .seconds(1)) {
        self.path = path
        self.weight = weight
        self.reverse = reverse
        self.pollInterval = pollInterval
    }
}
