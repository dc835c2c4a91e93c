import NIOCore
import NIOPosix

// TCP_CHECK: the connect completing within connect_timeout is a success; the connection is
// closed at once, with a reset (SO_LINGER 0) as load balancers' checks usually do: no FIN
// exchange and no TIME_WAIT entry per check, which at 1,000 checks a second matters.
public struct TCPChecker: HealthChecker {
    public let target: Endpoint
    public let options: ConnectionOptions
    public let timeout: Duration
    let environment: CheckerEnvironment

    public init(target: Endpoint, options: ConnectionOptions = ConnectionOptions(), timeout: Duration,
                environment: CheckerEnvironment) {
        self.target = target
        self.options = options
        self.timeout = timeout
        self.environment = environment
    }

    public func check() async -> CheckOutcome {
        do {
            let address = try SocketAddress(ipAddress: target.address, port: target.port)
            let channel = try await environment.tcpBootstrap(options, timeout: timeout)
                .channelInitializer { channel in
                    // Set before connecting, so it costs no extra trip to the event loop.
                    (channel as? any SocketOptionProvider)?.setSoLinger(linger(l_onoff: 1, l_linger: 0))
                        ?? channel.eventLoop.makeSucceededVoidFuture()
                }
                .connect(to: address).get()
            try? await channel.close()
            return .up()
        } catch {
            return .down("TCP connect to \(target): \(error)")
        }
    }
}
