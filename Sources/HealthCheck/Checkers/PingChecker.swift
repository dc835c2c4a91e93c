// PING_CHECK: one ICMP echo, answered within connect_timeout.
public struct PingChecker: HealthChecker {
    public let target: String
    public let timeout: Duration
    let sockets: ICMPSockets

    public init(target: String, timeout: Duration, sockets: ICMPSockets) {
        self.target = target
        self.timeout = timeout
        self.sockets = sockets
    }

    public func check() async -> CheckOutcome {
        do {
            return try await sockets.socket(ipv6: target.contains(":")).echo(to: target, timeout: timeout)
        } catch {
            return .down("PING \(target): \(error)")
        }
    }
}
