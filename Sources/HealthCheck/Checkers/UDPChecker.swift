// UDP_CHECK: a datagram is sent; an ICMP error means down. Without require_reply silence for
// connect_timeout is up (the port did not refuse); with it a reply must arrive, its length within
// min/max_reply_length and its bytes matching the pattern.
public struct UDPChecker: HealthChecker {
    public let target: Endpoint
    public let options: UDPCheckOptions
    public let connection: ConnectionOptions
    public let timeout: Duration
    let environment: CheckerEnvironment

    public init(target: Endpoint, options: UDPCheckOptions, connection: ConnectionOptions = ConnectionOptions(),
                timeout: Duration, environment: CheckerEnvironment) {
        self.target = target
        self.options = options
        self.connection = connection
        self.timeout = timeout
        self.environment = environment
    }

    public func check() async -> CheckOutcome {
        let payload = options.payload ?? (0..<16).map { _ in UInt8.random(in: 0...255) }
        let result = await UDPExchange.exchange(payload, with: target, options: connection,
                                                wait: timeout, environment: environment)
        return UDPChecker.verdict(result, options: options, target: target)
    }

    static func verdict(_ result: UDPExchangeResult, options: UDPCheckOptions, target: Endpoint) -> CheckOutcome {
        switch result {
        case .failed(let reason):
            return .down("UDP \(target): \(reason)")
        case .silence:
            return options.requireReply == nil ? .up() : .down("UDP \(target): no reply")
        case .reply(let bytes):
            guard let pattern = options.requireReply else { return .up() }
            guard (options.minReplyLength...max(options.minReplyLength, options.maxReplyLength)).contains(bytes.count) else {
                return .down("UDP \(target): reply of \(bytes.count) bytes outside \(options.minReplyLength)-\(options.maxReplyLength)")
            }
            return pattern.matches(bytes) ? .up() : .down("UDP \(target): reply does not match require_reply")
        }
    }
}
