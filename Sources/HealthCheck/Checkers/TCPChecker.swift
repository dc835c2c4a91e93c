
// TCP_CHECK: the connect completing within connect_timeout is a success; the connection is
// closed at once (ConnectProber).
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
        switch await ConnectProber.shared.connect(to: target, options: options, timeout: timeout) {
        case .connected: return .up()
        case .failed(let reason): return .down("TCP connect to \(target): \(reason)")
        }
    }
}
