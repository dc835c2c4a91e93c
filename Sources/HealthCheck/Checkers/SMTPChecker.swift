import NIOCore
import NIOPosix

// SMTP_CHECK: the server greets with 220, answers HELO with 250; then QUIT ends the session
// politely. Anything else, or silence past connect_timeout, is down.
public struct SMTPChecker: HealthChecker {
    public let target: Endpoint
    public let heloName: String
    public let connection: ConnectionOptions
    public let timeout: Duration
    let environment: CheckerEnvironment

    public init(target: Endpoint, options: SMTPCheckOptions, connection: ConnectionOptions = ConnectionOptions(),
                timeout: Duration, environment: CheckerEnvironment) {
        self.target = target
        self.heloName = options.heloName ?? environment.hostName
        self.connection = connection
        self.timeout = timeout
        self.environment = environment
    }

    public func check() async -> CheckOutcome {
        await withDeadline(timeout, what: "SMTP to \(target)") { await converse() }
    }

    private func converse() async -> CheckOutcome {
        do {
            let address = try SocketAddress(ipAddress: target.address, port: target.port)
            let channel = try await environment.tcpBootstrap(connection, timeout: timeout)
                .connect(to: address) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
            let helo = heloName
            // Cancellation (the deadline) closes the connection so that a silent peer is let go at once.
            return try await withTaskCancellationHandler {
                try await channel.executeThenClose { inbound, outbound in
                    var reader = SMTPReplyReader()
                    var iterator = inbound.makeAsyncIterator()
                    // The dialogue: what we expect, then what we send once it came.
                    let steps: [(expect: Int, send: String?)] = [(220, "HELO \(helo)\r\n"), (250, "QUIT\r\n")]
                    var codes: [Int] = []
                    for step in steps {
                        while codes.isEmpty {
                            guard let buffer = try await iterator.next() else {
                                return .down("SMTP \(target): connection closed while waiting for \(step.expect)")
                            }
                            switch reader.feed(buffer.readableBytesView) {
                            case .success(let new): codes += new
                            case .failure(let error): return .down("SMTP \(target): \(error)")
                            }
                        }
                        let code = codes.removeFirst()
                        guard code == step.expect else {
                            return .down("SMTP \(target): expected \(step.expect), got \(code)")
                        }
                        if let line = step.send { try await outbound.write(ByteBuffer(string: line)) }
                    }
                    return .up()
                }
            } onCancel: {
                channel.channel.close(promise: nil)
            }
        } catch {
            return .down("SMTP \(target): \(error)")
        }
    }
}
