import Foundation
#if canImport(Glibc)
import Glibc
#endif

// One ICMP (or ICMPv6) socket shared by all PING_CHECKs of a family. It prefers an unprivileged
// ping socket (SOCK_DGRAM, where the kernel hands us only our own replies) and falls back to a
// raw socket (we run as root). A reader thread matches replies to waiting checks by sequence
// number (and identifier and source on a raw socket). The socket belongs to the network
// namespace of the thread that opened it, so tests can open it inside a lab namespace.
public final class ICMPSocket: @unchecked Sendable {
    public let isIPv6: Bool
    public let isRaw: Bool
    private let fd: Int32
    private let identifier: UInt16
    private let lock = NSLock()
    private var nextSequence: UInt16 = 0
    private var waiters: [UInt16: Waiter] = [:]
    private var closed = false

    private struct Waiter {
        let source: [UInt8]
        let continuation: CheckedContinuation<Bool, Never>
    }

    public init(ipv6: Bool) throws(ICMPSocketError) {
        isIPv6 = ipv6
        let family = ipv6 ? AF_INET6 : AF_INET
        let proto = ipv6 ? Int32(IPPROTO_ICMPV6) : Int32(IPPROTO_ICMP)
        var descriptor = socket(family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
        var raw = false
        if descriptor < 0 {
            descriptor = socket(family, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), proto)
            raw = true
        }
        guard descriptor >= 0 else { throw ICMPSocketError(operation: "socket", errno: errno) }
        fd = descriptor
        isRaw = raw
        identifier = UInt16(truncatingIfNeeded: getpid()) ^ UInt16.random(in: 0...UInt16.max)
        let thread = Thread { [self] in readLoop() }
        thread.name = "icmp-reader"
        thread.start()
    }

    deinit { Glibc.close(fd) }

    /// Stops the reader; pending pings end as failures.
    public func close() {
        let pending = lock.withLock { () -> [Waiter] in
            closed = true
            defer { waiters.removeAll() }
            return Array(waiters.values)
        }
        for waiter in pending { waiter.continuation.resume(returning: false) }
    }

    /// Sends one echo request to `address` and waits up to `timeout` for its reply.
    public func echo(to address: String, timeout: Duration) async -> CheckOutcome {
        guard let destination = ICMPSocket.addressBytes(address, v6: isIPv6) else {
            return .down("PING \(address): not an IPv\(isIPv6 ? 6 : 4) address")
        }
        let sequence = lock.withLock { () -> UInt16 in
            nextSequence &+= 1
            return nextSequence
        }
        let answered = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            let registered = lock.withLock { () -> Bool in
                guard !closed else { return false }
                waiters[sequence] = Waiter(source: destination, continuation: continuation)
                return true
            }
            guard registered else { continuation.resume(returning: false); return }
            let packet = ICMPEcho.request(v6: isIPv6, identifier: identifier, sequence: sequence,
                                          payload: Array("xdpha-ping-check".utf8))
            if let error = send(packet, to: destination) {
                _ = error
                resumeWaiter(sequence, answered: false)
                return
            }
            Task { [weak self] in
                try? await Task.sleep(for: timeout)
                self?.resumeWaiter(sequence, answered: false)
            }
        }
        return answered ? .up() : .down("PING \(address): no echo reply within \(timeout)")
    }

    private func resumeWaiter(_ sequence: UInt16, answered: Bool) {
        let waiter = lock.withLock { waiters.removeValue(forKey: sequence) }
        waiter?.continuation.resume(returning: answered)
    }

    private func send(_ packet: [UInt8], to destination: [UInt8]) -> Int32? {
        let sent: Int
        if isIPv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            withUnsafeMutableBytes(of: &address.sin6_addr) { $0.copyBytes(from: destination) }
            sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, packet, packet.count, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        } else {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            withUnsafeMutableBytes(of: &address.sin_addr) { $0.copyBytes(from: destination) }
            sent = withUnsafePointer(to: &address) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, packet, packet.count, Int32(MSG_NOSIGNAL), $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        }
        return sent < 0 ? errno : nil
    }

    private func readLoop() {
        var buffer = [UInt8](repeating: 0, count: 1500)
        while !lock.withLock({ closed }) {
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 200) > 0 else { continue }
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = withUnsafeMutablePointer(to: &storage) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, &buffer, buffer.count, Int32(MSG_DONTWAIT), $0, &length)
                }
            }
            guard count > 0 else { continue }
            let packet = Array(buffer[..<count])
            let message = isRaw && !isIPv6 ? ICMPEcho.stripIPv4Header(packet) : packet[...]
            guard let message, let reply = ICMPEcho.parseReply(message, v6: isIPv6) else { continue }
            // A ping socket rewrites the identifier to its own; a raw socket sees everyone's replies.
            if isRaw && reply.identifier != identifier { continue }
            let source = ICMPSocket.sourceBytes(storage, v6: isIPv6)
            let waiter = lock.withLock { () -> Waiter? in
                guard let waiter = waiters[reply.sequence], waiter.source == source else { return nil }
                return waiters.removeValue(forKey: reply.sequence)
            }
            waiter?.continuation.resume(returning: true)
        }
    }

    static func addressBytes(_ text: String, v6: Bool) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: v6 ? 16 : 4)
        return inet_pton(v6 ? AF_INET6 : AF_INET, text, &bytes) == 1 ? bytes : nil
    }

    private static func sourceBytes(_ storage: sockaddr_storage, v6: Bool) -> [UInt8] {
        var storage = storage
        return withUnsafeBytes(of: &storage) { raw in
            v6 ? Array(raw[8..<24]) : Array(raw[4..<8])
        }
    }
}

public struct ICMPSocketError: Error, CustomStringConvertible {
    public let operation: String
    public let errno: Int32
    public var description: String { "ICMP \(operation): \(String(cString: strerror(errno)))" }
}

/// Opens the two families' sockets when first needed.
public final class ICMPSockets: @unchecked Sendable {
    private let lock = NSLock()
    private var sockets: [Bool: ICMPSocket] = [:]

    public init(v4: ICMPSocket? = nil, v6: ICMPSocket? = nil) {
        if let v4 { sockets[false] = v4 }
        if let v6 { sockets[true] = v6 }
    }

    public func socket(ipv6: Bool) throws -> ICMPSocket {
        try lock.withLock {
            if let socket = sockets[ipv6] { return socket }
            let socket = try ICMPSocket(ipv6: ipv6)
            sockets[ipv6] = socket
            return socket
        }
    }
}
