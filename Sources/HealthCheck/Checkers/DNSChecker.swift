// DNS_CHECK: one query over UDP; the answer must carry our ID, NOERROR and a record of the
// asked type. Silence for connect_timeout, an ICMP error or an undecodable answer is down.
public struct DNSChecker: HealthChecker {
    public let target: Endpoint
    public let options: DNSCheckOptions
    public let connection: ConnectionOptions
    public let timeout: Duration
    let environment: CheckerEnvironment

    public init(target: Endpoint, options: DNSCheckOptions, connection: ConnectionOptions = ConnectionOptions(),
                timeout: Duration, environment: CheckerEnvironment) {
        self.target = target
        self.options = options
        self.connection = connection
        self.timeout = timeout
        self.environment = environment
    }

    public func check() async -> CheckOutcome {
        let query = DNSQuery(id: UInt16.random(in: 0...UInt16.max), name: options.name, type: options.type)
        let bytes: [UInt8]
        do { bytes = try query.encode() } catch { return .down("DNS \(target): \(error)") }
        let result = await UDPExchange.exchange(bytes, with: target, options: connection,
                                                wait: timeout, environment: environment)
        switch result {
        case .failed(let reason): return .down("DNS \(target): \(reason)")
        case .silence: return .down("DNS \(target): no answer within \(timeout)")
        case .reply(let reply):
            do {
                if let violation = try DNSResponse(decoding: reply).violation(of: query) {
                    return .down("DNS \(target): \(violation)")
                }
                return .up()
            } catch {
                return .down("DNS \(target): \(error)")
            }
        }
    }
}
