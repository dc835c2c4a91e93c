// One long-lived HTTP/1.1 connection: the established flow that must keep its real server while
// the director is reprogrammed and restarted. The socket is made in the client's namespace
// (NetworkNamespace.perform) and used from anywhere afterwards.
import Foundation

final class KeepAliveConnection: @unchecked Sendable {
    private let fd: Int32

    init(host: String, port: UInt16) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LabTestError("socket: \(String(cString: strerror(errno)))") }
        var timeout = timeval(tv_sec: 2, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard result == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw LabTestError("connect \(host):\(port): \(message)")
        }
    }

    deinit { close(fd) }

    /// Sends one request on the open connection and returns the answer's body (the real's name).
    func request() throws -> String {
        let request = Array("GET / HTTP/1.1\r\nHost: vip\r\n\r\n".utf8)
        guard send(fd, request, request.count, Int32(MSG_NOSIGNAL)) == request.count else {
            throw LabTestError("send: \(String(cString: strerror(errno)))")
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            if let end = received.firstRange(of: Array("\r\n\r\n".utf8))?.upperBound {
                let head = String(decoding: received[..<end], as: UTF8.self).lowercased()
                let length = head.split(separator: "\r\n").first { $0.hasPrefix("content-length:") }
                    .flatMap { Int($0.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) } ?? 0
                if received.count >= end + length {
                    return String(decoding: received[end..<(end + length)], as: UTF8.self)
                        .trimmingCharacters(in: .whitespacesAndNewlines)
                }
            }
            let count = recv(fd, &buffer, buffer.count, 0)
            guard count > 0 else {
                throw LabTestError(count == 0 ? "the connection was closed" : "recv: \(String(cString: strerror(errno)))")
            }
            received += buffer.prefix(count)
        }
    }
}
