import NIOCore
import NIOPosix

// One datagram out on a connected UDP socket and what came back within a time: the first
// reply, an error (the kernel reports an ICMP port/host unreachable on a connected socket as
// ECONNREFUSED/EHOSTUNREACH), or silence.
enum UDPExchangeResult: Sendable, Hashable {
    case reply([UInt8])
    case failed(String)
    case silence
}

enum UDPExchange {
    static func exchange(_ payload: [UInt8], with target: Endpoint, options: ConnectionOptions,
                         wait: Duration, environment: CheckerEnvironment) async -> UDPExchangeResult {
        do {
            let remote = try SocketAddress(ipAddress: target.address, port: target.port)
            var bootstrap = DatagramBootstrap(group: environment.eventLoopGroup)
            if let mark = options.fwmark {
                bootstrap = bootstrap.channelOption(.socketOption(.init(rawValue: SO_MARK)), value: SocketOptionValue(mark))
            }
            let channel = try await bootstrap.bind(to: CheckerEnvironment.localAddress(options, v6: target.isIPv6)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<AddressedEnvelope<ByteBuffer>, AddressedEnvelope<ByteBuffer>>(
                        wrappingChannelSynchronously: channel)
                }
            }
            // Connecting makes the kernel deliver ICMP errors for this peer to the socket.
            try await channel.channel.connect(to: remote).get()
            return try await channel.executeThenClose { inbound, outbound in
                try await outbound.write(AddressedEnvelope(remoteAddress: remote, data: ByteBuffer(bytes: payload)))
                return await withTaskGroup(of: UDPExchangeResult?.self) { group in
                    group.addTask {
                        do {
                            for try await envelope in inbound {
                                return .reply(Array(envelope.data.readableBytesView))
                            }
                            return Task.isCancelled ? nil : .failed("socket closed")
                        } catch {
                            return .failed("\(error)")
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(for: wait)
                        return Task.isCancelled ? nil : .silence
                    }
                    var result = UDPExchangeResult.silence
                    if let first = await group.next(), let value = first { result = value }
                    group.cancelAll()
                    return result
                }
            }
        } catch {
            return .failed("UDP to \(target): \(error)")
        }
    }
}
