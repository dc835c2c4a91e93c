import NIOCore
import NIOPosix

// TCP_CHECK: the connect completing within connect_timeout is a success; the connection is
// closed at once.
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
            let channel = try await environment.tcpBootstrap(options, timeout: timeout).connect(to: address).get()
            try? await channel.close()
            return .up()
        } catch {
            return .down("TCP connect to \(target): \(error)")
        }
    }
}
