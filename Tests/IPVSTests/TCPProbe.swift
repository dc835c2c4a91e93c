// A TCP server that answers every connection with one line and closes it, and a client that
// reads that line: enough to see which real server a virtual service picked. Sockets are opened
// on a thread inside a lab namespace and stay in that namespace afterwards.
import Foundation
import NetLab

struct SocketError: Error, CustomStringConvertible {
    let description: String
    init(_ what: String) { description = "\(what): \(String(cString: strerror(errno)))" }
}

private func socketAddress(_ address: String, _ port: UInt16) throws -> sockaddr_in {
    var socketAddress = sockaddr_in()
    socketAddress.sin_family = sa_family_t(AF_INET)
    socketAddress.sin_port = port.bigEndian
    guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { throw SocketError("address \(address)") }
    return socketAddress
}

private func withSocketAddress<T>(_ address: sockaddr_in, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
    withUnsafePointer(to: address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
}

/// Answers `reply` on every connection to `port` (any address of the namespace) until stopped.
final class LineServer: @unchecked Sendable {
    private let listener: Int32
    private let reply: String
    private let done = DispatchSemaphore(value: 0)

    init(in namespace: NetworkNamespace, port: UInt16, reply: String) throws {
        listener = try namespace.perform {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SocketError("socket") }
            var on: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
            let any = try socketAddress("0.0.0.0", port)
            guard withSocketAddress(any, { bind(fd, $0, $1) }) == 0, listen(fd, 64) == 0 else {
                let error = SocketError("bind/listen on port \(port)")
                close(fd)
                throw error
            }
            return fd
        }
        self.reply = reply
        Thread { [self] in serve() }.start()
    }

    private func serve() {
        let line = Array((reply + "\n").utf8)
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                break  // the listener was shut down
            }
            _ = line.withUnsafeBytes { write(connection, $0.baseAddress, $0.count) }
            close(connection)
        }
        done.signal()
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        done.wait()
        close(listener)
    }
}

enum LineClient {
    /// Connects from inside `namespace`, reads one line and returns it.
    static func fetch(from namespace: NetworkNamespace, address: String, port: UInt16,
                      timeoutSeconds: Int = 5) throws -> String {
        try namespace.perform {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            guard fd >= 0 else { throw SocketError("socket") }
            defer { close(fd) }
            var timeout = timeval(tv_sec: timeoutSeconds, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
            let target = try socketAddress(address, port)
            guard withSocketAddress(target, { connect(fd, $0, $1) }) == 0 else {
                throw SocketError("connect to \(address):\(port)")
            }
            var received: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 256)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count < 0 { throw SocketError("read from \(address):\(port)") }
                if count == 0 { break }
                received += buffer[..<count]
            }
            return String(decoding: received, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }
}
