// The control socket under --state-dir: `xdpha status` connects, sends one request line and reads
// one JSON reply. The socket file is mode 0600: only root (the daemon's user) may ask.
import Foundation
import NIOCore
import NIOPosix

public enum ControlRequest: String, Sendable {
    case status
}

/// Answers requests on a Unix stream socket until the task running `serve` is cancelled.
public struct ControlServer: Sendable {
    public let path: String
    private let respond: @Sendable (ControlRequest) async -> Data

    public init(path: String, respond: @escaping @Sendable (ControlRequest) async -> Data) {
        self.path = path
        self.respond = respond
    }

    public func serve() async throws {
        unlink(path)
        let previousMask = umask(0o177)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(unixDomainSocketPath: path, cleanupExistingSocketFile: true) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        umask(previousMask)
        chmod(path, 0o600)
        defer { unlink(path) }

        // Iterating the listener does not end on cancellation by itself: closing the channel does.
        try await withTaskCancellationHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { clients in
                    for try await client in clients {
                        group.addTask { await self.answer(client) }
                    }
                }
            }
        } onCancel: {
            server.channel.close(promise: nil)
        }
    }

    private func answer(_ client: NIOAsyncChannel<ByteBuffer, ByteBuffer>) async {
        try? await client.executeThenClose { inbound, outbound in
            var request = ""
            for try await var chunk in inbound {
                request += chunk.readString(length: chunk.readableBytes) ?? ""
                if request.contains("\n") { break }
            }
            let word = request.trimmingCharacters(in: .whitespacesAndNewlines)
            let reply: Data
            if let parsed = ControlRequest(rawValue: word) {
                reply = await respond(parsed)
            } else {
                reply = Data("{\"error\":\"unknown request\"}".utf8)
            }
            try await outbound.write(ByteBuffer(bytes: reply))
        }
    }
}

public struct ControlClientError: Error, CustomStringConvertible {
    public let description: String
}

/// Sends one request to a running daemon and returns its reply.
public enum ControlClient {
    public static func request(_ request: ControlRequest, socketPath: String) async throws -> Data {
        guard FileManager.default.fileExists(atPath: socketPath) else {
            throw ControlClientError(description: "no xdpha daemon: \(socketPath) does not exist (is `xdpha run` running with this --state-dir?)")
        }
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(unixDomainSocketPath: socketPath) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            try await outbound.write(ByteBuffer(string: request.rawValue + "\n"))
            outbound.finish()
            var reply = Data()
            for try await var chunk in inbound {
                reply.append(contentsOf: chunk.readBytes(length: chunk.readableBytes) ?? [])
            }
            return reply
        }
    }
}
