// TCP_CHECK: the connect completing within connect_timeout is a success; the connection is
// closed at once (ConnectProbe). HealthMonitor runs its TCP_CHECKs periodically on
// ConnectScheduler's thread; `check()` is one check on that thread, for everything else.
public struct TCPChecker: HealthChecker {
    public let target: Endpoint
    public let options: ConnectionOptions
    public let timeout: Duration
    let environment: CheckerEnvironment
    let probe: ConnectProbe

    public init(target: Endpoint, options: ConnectionOptions = ConnectionOptions(), timeout: Duration,
                environment: CheckerEnvironment) {
        self.target = target
        self.options = options
        self.timeout = timeout
        self.environment = environment
        self.probe = ConnectProbe(target: target, options: options, timeout: timeout)
    }

    public func check() async -> CheckOutcome {
        Self.verdict(await ConnectScheduler.shared.connect(probe), target: target)
    }

    static func verdict(_ outcome: ConnectProbe.Outcome, target: Endpoint) -> CheckOutcome {
        switch outcome {
        case .connected: .up()
        case .failed(let reason): .down("TCP connect to \(target): \(reason)")
        }
    }
}
