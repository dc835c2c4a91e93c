import Foundation
import NIOCore
#if canImport(Glibc)
import Glibc
#endif

// TCP_CHECK's connect, without a channel: a non-blocking socket connects, and one thread waits
// on epoll for every connect still in progress. A thousand checks a second cost the kernel's
// connect and close and one wakeup each; a NIO channel per check (bootstrap, pipeline, promises,
// two event-loop hops) cost about as much again in user time. The thread polls the sockets in
// progress and a pipe that new submissions write to (Glibc's overlay has poll, not epoll).
final class ConnectProber: @unchecked Sendable {
    enum Outcome: Sendable, Equatable {
        case connected
        case failed(String)
    }

    static let shared = ConnectProber()

    private struct Pending {
        let fd: Int32
        let deadline: ContinuousClock.Instant
        let continuation: CheckedContinuation<Outcome, Never>
    }

    private let wakeupRead: Int32
    private let wakeupWrite: Int32
    private let lock = NSLock()
    private var submitted: [Pending] = []

    private init() {
        var ends: [Int32] = [0, 0]
        pipe(&ends)
        for end in ends {
            _ = fcntl(end, F_SETFL, fcntl(end, F_GETFL) | O_NONBLOCK)
            _ = fcntl(end, F_SETFD, FD_CLOEXEC)
        }
        wakeupRead = ends[0]
        wakeupWrite = ends[1]
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "xdpha-connect-prober"
        thread.start()
    }

    /// Connects to `target` with `options` (source address and port, SO_MARK) within `timeout`.
    func connect(to target: Endpoint, options: ConnectionOptions, timeout: Duration) async -> Outcome {
        guard let remote = try? SocketAddress(ipAddress: target.address, port: target.port) else {
            return .failed("\(target.address) is not an IP address")
        }
        let family = remote.protocolFamily
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failed("socket: \(String(cString: strerror(errno)))") }
        if let problem = Self.prepare(fd, options: options, v6: family == AF_INET6) {
            close(fd)
            return .failed(problem)
        }
        let result = remote.withSockAddr { Glibc.connect(fd, $0, socklen_t($1)) }
        if result == 0 {
            close(fd)
            return .connected
        }
        guard errno == EINPROGRESS else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .failed("connect: \(reason)")
        }
        let deadline = ContinuousClock.now + timeout
        return await withCheckedContinuation { continuation in
            lock.withLock { submitted.append(Pending(fd: fd, deadline: deadline, continuation: continuation)) }
            var one: UInt8 = 1
            _ = write(wakeupWrite, &one, 1)
        }
    }

    /// bindto / bind_port / fwmark on the socket before it connects; nil when all went well.
    private static func prepare(_ fd: Int32, options: ConnectionOptions, v6: Bool) -> String? {
        if let mark = options.fwmark {
            var value = mark
            if setsockopt(fd, SOL_SOCKET, SO_MARK, &value, socklen_t(MemoryLayout<UInt32>.size)) != 0 {
                return "SO_MARK \(mark): \(String(cString: strerror(errno)))"
            }
        }
        guard options.bindTo != nil || options.bindPort != nil else { return nil }
        if options.bindPort != nil {
            // A fixed source port is reused check after check.
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        }
        guard let local = try? CheckerEnvironment.localAddress(options, v6: v6), (local.protocolFamily == AF_INET6) == v6 else {
            return "bindto \(options.bindTo ?? "") is not an address of the real server's family"
        }
        if local.withSockAddr({ bind(fd, $0, socklen_t($1)) }) != 0 {
            return "bind \(local): \(String(cString: strerror(errno)))"
        }
        return nil
    }

    private func loop() {
        var waiting: [Pending] = []
        var drain = [UInt8](repeating: 0, count: 256)
        while true {
            var fds = [pollfd(fd: wakeupRead, events: Int16(POLLIN), revents: 0)]
            fds += waiting.map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
            let now = ContinuousClock.now
            let timeout = waiting.map(\.deadline).min().map { deadline -> Int32 in
                let left = deadline - now
                return max(0, Int32(left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000) + 1)
            } ?? -1
            let ready = poll(&fds, nfds_t(fds.count), timeout)
            var still: [Pending] = []
            let after = ContinuousClock.now
            for (index, pending) in waiting.enumerated() {
                let events = ready > 0 ? fds[index + 1].revents : 0
                if events != 0 {
                    var error: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(pending.fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    close(pending.fd)
                    pending.continuation.resume(returning: error == 0 ? .connected : .failed("connect: \(String(cString: strerror(error)))"))
                } else if pending.deadline <= after {
                    close(pending.fd)
                    pending.continuation.resume(returning: .failed("connect timed out"))
                } else {
                    still.append(pending)
                }
            }
            waiting = still
            if ready > 0 && fds[0].revents != 0 {
                while read(wakeupRead, &drain, drain.count) > 0 {}
            }
            waiting += lock.withLock { defer { submitted.removeAll(keepingCapacity: true) }; return submitted }
        }
    }
}
