import NIOCore
#if canImport(Glibc)
import Glibc
#endif

// The connect of one TCP_CHECK, as system calls and no scheduling: start a non-blocking
// connect, read its result once the socket is writable, and close it. ConnectScheduler decides
// when these run and waits for the connects in progress.
struct ConnectProbe: Sendable {
    let target: Endpoint
    let options: ConnectionOptions
    let timeout: Duration
    /// Parsed once, at registration, instead of on every check.
    let remote: SocketAddress?

    init(target: Endpoint, options: ConnectionOptions, timeout: Duration) {
        self.target = target
        self.options = options
        self.timeout = timeout
        self.remote = try? SocketAddress(ipAddress: target.address, port: target.port)
    }

    enum Outcome: Sendable, Equatable {
        case connected
        case failed(String)
    }

    enum Start: Equatable {
        case finished(Outcome)
        /// The handshake is under way on this non-blocking socket: wait until it is writable.
        case inProgress(Int32)
    }

    func start() -> Start {
        guard let remote else { return .finished(.failed("\(target.address) is not an IP address")) }
        let family = remote.protocol.rawValue
        let fd = socket(family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .finished(.failed("socket: \(String(cString: strerror(errno)))")) }
        if let problem = Self.prepare(fd, options: options, v6: family == AF_INET6) {
            close(fd)
            return .finished(.failed(problem))
        }
        let result = remote.withSockAddr { Glibc.connect(fd, $0, socklen_t($1)) }
        if result == 0 {
            Self.abort(fd)
            return .finished(.connected)
        }
        guard errno == EINPROGRESS else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .finished(.failed("connect: \(reason)"))
        }
        return .inProgress(fd)
    }

    /// The result of a connect in progress whose socket became ready, from the readiness
    /// `events` poll or epoll reported (their bits agree); closes the socket. Writable with no
    /// error or hangup is an established connection (Linux's tcp_poll); otherwise SO_ERROR says
    /// why it failed.
    static func finish(_ fd: Int32, events: UInt32) -> Outcome {
        if events & UInt32(POLLOUT) != 0 && events & UInt32(POLLERR | POLLHUP) == 0 {
            abort(fd)
            return .connected
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 { error = errno }
        guard error == 0 else {
            close(fd)
            return .failed("connect: \(String(cString: strerror(error)))")
        }
        abort(fd)
        return .connected
    }

    /// A connect that did not finish within connect_timeout: nothing was established, so a
    /// plain close sends nothing.
    static func giveUp(_ fd: Int32) -> Outcome {
        close(fd)
        return .failed("connect timed out")
    }

    /// Closes an established check connection with a reset (SO_LINGER on, 0 s), as HAProxy does
    /// for its health checks. The check has proved what it set out to (the real's stack completed
    /// the handshake on the port); an orderly close would add a FIN exchange and leave the socket
    /// in TIME_WAIT for a minute on our side, some 60,000 of them at 1,000 checks a second, which
    /// also slow down the kernel's search for a free source port. The real's application sees
    /// ECONNRESET on its first read instead of end-of-file; servers treat both as a client gone
    /// before its request (nginx logs either at "info", below its default error_log level).
    static func abort(_ fd: Int32) {
        var reset = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &reset, socklen_t(MemoryLayout<linger>.size))
        close(fd)
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
        guard let local = try? CheckerEnvironment.localAddress(options, v6: v6), (local.protocol.rawValue == AF_INET6) == v6 else {
            return "bindto \(options.bindTo ?? "") is not an address of the real server's family"
        }
        if local.withSockAddr({ bind(fd, $0, socklen_t($1)) }) != 0 {
            return "bind \(local): \(String(cString: strerror(errno)))"
        }
        return nil
    }
}
