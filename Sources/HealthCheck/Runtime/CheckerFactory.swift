// Builds the I/O checker for one checker configuration of a real server.
public enum CheckerFactory {
    public static func make(_ configuration: CheckerConfiguration, real: Endpoint, timing: ResolvedTiming,
                            environment: CheckerEnvironment) throws -> any HealthChecker {
        let target = configuration.connection.target(for: real)
        let timeout = timing.connectTimeout
        let connection = configuration.connection
        switch configuration.kind {
        case .tcp:
            return TCPChecker(target: target, options: connection, timeout: timeout, environment: environment)
        case .http(let options):
            return try HTTPChecker(target: target, options: options, connection: connection,
                                   timeout: timeout, environment: environment)
        case .smtp(let options):
            return SMTPChecker(target: target, options: options, connection: connection,
                               timeout: timeout, environment: environment)
        case .dns(let options):
            return DNSChecker(target: target, options: options, connection: connection,
                              timeout: timeout, environment: environment)
        case .udp(let options):
            return UDPChecker(target: target, options: options, connection: connection,
                              timeout: timeout, environment: environment)
        case .ping:
            return PingChecker(target: target.address, timeout: timeout, sockets: environment.icmp)
        case .misc(let options):
            return MiscChecker(options: options, defaultTimeout: timing.delayLoop, runner: environment.scripts)
        case .file(let options):
            return FileChecker(options: options)
        }
    }
}
