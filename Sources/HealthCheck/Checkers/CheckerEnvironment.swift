import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

// What checkers share: the NIO event loops, how scripts are run, and this host's name (SMTP
// HELO). One environment serves every checker of the process.
public struct CheckerEnvironment: Sendable {
    public var eventLoopGroup: any EventLoopGroup
    public var scripts: ScriptRunner
    public var hostName: String
    public var icmp: ICMPSockets

    public init(eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                scripts: ScriptRunner = ScriptRunner(), icmp: ICMPSockets = ICMPSockets(), hostName: String? = nil) {
        self.eventLoopGroup = eventLoopGroup
        self.scripts = scripts
        self.icmp = icmp
        self.hostName = hostName ?? CheckerEnvironment.localHostName()
    }

    static func localHostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "localhost" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// A TCP client bootstrap with the checker's connection options applied.
    func tcpBootstrap(_ options: ConnectionOptions, timeout: Duration) throws -> ClientBootstrap {
        var bootstrap = ClientBootstrap(group: eventLoopGroup)
            .connectTimeout(.milliseconds(max(1, timeout.milliseconds)))
        if let mark = options.fwmark {
            bootstrap = bootstrap.channelOption(.socketOption(.init(rawValue: SO_MARK)), value: SocketOptionValue(mark))
        }
        if options.bindPort != nil {
            // A fixed source port is reused check after check.
            bootstrap = bootstrap.channelOption(.socketOption(.so_reuseaddr), value: 1)
        }
        if options.bindTo != nil || options.bindPort != nil {
            bootstrap = bootstrap.bind(to: try CheckerEnvironment.localAddress(options))
        }
        return bootstrap
    }

    static func localAddress(_ options: ConnectionOptions, v6: Bool = false) throws -> SocketAddress {
        let host = options.bindTo ?? (v6 ? "::" : "0.0.0.0")
        return try SocketAddress(ipAddress: host, port: options.bindPort ?? 0)
    }
}
