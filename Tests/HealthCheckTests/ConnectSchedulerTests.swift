import Foundation
import Testing
@testable import HealthCheck
#if canImport(Glibc)
import Glibc
#endif

// TCP_CHECK's scheduling thread with real connects on 127.0.0.1: periodic checks of a listening
// server, a closed port and a silent peer; results in batches; the next check when the
// subscriber says; nothing after unsubscribing; and the reset that closes a checked connection.
extension CheckerIOTests {
    @Suite struct ConnectSchedulerTests {
        @Test("periodic checks: up, refused, and timed out no earlier than connect_timeout; re-armed checks wait their delay; none after unsubscribing")
        func periodicChecksOfUpRefusedAndSilentPeers() async throws {
            let silent = try SilentPeer()
            defer { silent.close() }
            let server = try LoopbackTCPServer { _ in }
            defer { server.stop() }
            let closed = try Loopback.closedPort()
            let timeout = Duration.milliseconds(300)
            let probes = [server.port, closed, silent.port].map {
                ConnectProbe(target: Endpoint("127.0.0.1", $0), options: ConnectionOptions(), timeout: timeout)
            }
            let scheduler = ConnectScheduler.shared
            let (batches, continuation) = AsyncStream.makeStream(of: [ConnectScheduler.Result].self)
            let subscribed = ConnectScheduler.now()
            let subscription = scheduler.subscribe(probes, firstAfter: [.zero, .zero, .zero]) { continuation.yield($0) }

            // First round: every check reports once.
            var first: [Int: ConnectScheduler.Result] = [:]
            var iterator = batches.makeAsyncIterator()
            while first.count < 3, let batch = await iterator.next() {
                for result in batch {
                    #expect(first[result.tag] == nil, "check \(result.tag) ran twice without being re-armed")
                    first[result.tag] = result
                }
            }
            #expect(first[0]?.outcome == .connected)
            #expect(first[1]?.outcome.isRefused == true, "\(String(describing: first[1]?.outcome))")
            #expect(first[2]?.outcome == .failed("connect timed out"))
            let silentAfter = try #require(first[2]).finishedAt - subscribed
            #expect(silentAfter >= ConnectScheduler.nanoseconds(timeout), "timed out after \(silentAfter) ns")

            // Re-arm the listening server's check 200 ms after its result: it runs again, not before.
            let rearmedFrom = try #require(first[0]).finishedAt
            scheduler.rearm(subscription, [(tag: 0, from: rearmedFrom, after: .milliseconds(200))])
            let second = try #require(await iterator.next())
            #expect(second.map(\.tag) == [0])
            #expect(second.first.map { $0.finishedAt - rearmedFrom >= 200_000_000 } == true)

            // Unsubscribed: a check re-armed just before is never delivered.
            scheduler.rearm(subscription, [(tag: 0, from: ConnectScheduler.now(), after: .milliseconds(20))])
            scheduler.unsubscribe(subscription)
            try await Task.sleep(for: .milliseconds(200))
            continuation.finish()
            #expect(await iterator.next() == nil)
        }

        @Test("a checked connection is closed with a reset: the server reads ECONNRESET and no TIME_WAIT is left behind")
        func checkedConnectionIsReset() async throws {
            let reads = Mutex<[Int32]>([])
            let server = try LoopbackTCPServer { fd in
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&poller, 1, 2000)
                var byte: UInt8 = 0
                let count = recv(fd, &byte, 1, 0)
                let error = errno
                reads.withLock { $0.append(count < 0 ? error : 0) }
            }
            defer { server.stop() }
            let checker = TCPChecker(target: Endpoint("127.0.0.1", server.port), timeout: .seconds(1), environment: environment)
            for _ in 0..<3 { #expect(await checker.check().isUp) }
            for _ in 0..<100 where reads.withLock({ $0.count }) < 3 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(reads.withLock { $0 } == [ECONNRESET, ECONNRESET, ECONNRESET])
            #expect(try Self.timeWaitSockets(toPort: server.port) == 0)
        }

        /// Sockets in TIME_WAIT towards 127.0.0.1:port, from /proc/net/tcp.
        static func timeWaitSockets(toPort port: Int) throws -> Int {
            let table = try String(contentsOfFile: "/proc/net/tcp", encoding: .utf8)
            let remote = String(format: "0100007F:%04X", port)
            return table.split(separator: "\n").dropFirst().filter { line in
                let fields = line.split(separator: " ")
                return fields.count > 3 && fields[2] == remote && fields[3] == "06"
            }.count
        }
    }
}

extension ConnectProbe.Outcome {
    var isRefused: Bool {
        if case .failed(let reason) = self { reason.contains("refused") } else { false }
    }
}

/// A listener on 127.0.0.1 that never accepts, with its backlog full: the kernel drops further
/// SYNs, so a connect to it neither completes nor fails before the client's timeout.
final class SilentPeer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private var fillers: [Int32] = []

    init() throws {
        listener = try Loopback.bind(type: SOCK_STREAM)
        port = Loopback.port(of: listener)
        listen(listener, 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        for _ in 0..<3 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            _ = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            fillers.append(fd)
        }
        // Let the fillers' handshakes fill the queue before anyone relies on the silence.
        usleep(100_000)
    }

    func close() {
        for fd in fillers + [listener] { Glibc.close(fd) }
    }
}
