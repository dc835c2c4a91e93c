import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Small peers for checker tests, on 127.0.0.1 only: a TCP listener whose connections a closure
// serves, and a UDP socket whose datagrams a closure answers. Each runs on its own thread and
// stops (closing its socket) when `stop()` is called.
final class LoopbackTCPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let stopped = NSLock()
    private var isStopped = false
    private var peers: [String] = []

    /// The source address of each connection accepted so far, as accept() reported it (a
    /// checker's connection may be reset before getpeername() could tell).
    var acceptedPeers: [String] { stopped.withLock { peers } }

    /// `serve` gets a connected socket; the server closes it afterwards.
    init(port requested: Int = 0, _ serve: @escaping @Sendable (Int32) -> Void) throws {
        fd = try Loopback.bind(type: SOCK_STREAM, port: requested)
        port = Loopback.port(of: fd)
        listen(fd, 128)
        let thread = Thread { [self] in
            while !stopped.withLock({ isStopped }) {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 50) > 0 else { continue }
                var peer = sockaddr_in()
                var length = socklen_t(MemoryLayout<sockaddr_in>.size)
                let client = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(fd, $0, &length) }
                }
                guard client >= 0 else { continue }
                let address = String(cString: inet_ntoa(peer.sin_addr))
                stopped.withLock { peers.append(address) }
                Thread {
                    serve(client)
                    close(client)
                }.start()
            }
            close(fd)
        }
        thread.start()
    }

    func stop() { stopped.withLock { isStopped = true } }
    deinit { stop() }
}

final class LoopbackUDPServer: @unchecked Sendable {
    let port: Int
    private let fd: Int32
    private let stopped = NSLock()
    private var isStopped = false

    /// `answer` maps a request to the datagrams to send back (none: stay silent).
    init(_ answer: @escaping @Sendable ([UInt8]) -> [[UInt8]]) throws {
        fd = try Loopback.bind(type: SOCK_DGRAM)
        port = Loopback.port(of: fd)
        let thread = Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 2048)
            while !stopped.withLock({ isStopped }) {
                var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&poller, 1, 50) > 0 else { continue }
                var peer = sockaddr_storage()
                var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
                let count = withUnsafeMutablePointer(to: &peer) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
                }
                guard count >= 0 else { continue }
                for reply in answer(Array(buffer[..<count])) {
                    _ = withUnsafePointer(to: &peer) {
                        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, reply, reply.count, 0, $0, length) }
                    }
                }
            }
            close(fd)
        }
        thread.start()
    }

    func stop() { stopped.withLock { isStopped = true } }
    deinit { stop() }
}

enum Loopback {
    static func bind(type: __socket_type, port: Int = 0) throws -> Int32 {
        let fd = socket(AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else { close(fd); throw POSIXError(.EADDRINUSE) }
        return fd
    }

    static func port(of fd: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// A port on 127.0.0.1 that nothing listens on (bound, then released).
    static func closedPort(type: __socket_type = SOCK_STREAM) throws -> Int {
        let fd = try bind(type: type)
        defer { close(fd) }
        return port(of: fd)
    }

    static func write(_ fd: Int32, _ text: String) {
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads one line (up to \n) or nil at EOF/timeout.
    static func readLine(_ fd: Int32, timeoutMilliseconds: Int32 = 1000) -> String? {
        var line: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, timeoutMilliseconds) > 0, recv(fd, &byte, 1, 0) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: line, as: UTF8.self) }
            line.append(byte)
        }
    }

    /// Reads until a blank line ends an HTTP request head.
    static func readRequestHead(_ fd: Int32) -> String {
        var lines: [String] = []
        while let line = readLine(fd), !line.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
