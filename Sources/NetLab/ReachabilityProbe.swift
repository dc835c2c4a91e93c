// Measures how long an address stayed unanswered: ICMP echo requests at a fixed rate from a lab
// namespace, then the longest silence between replies. Used to time VRRP failover (demo,
// benchmarks, tests).
//
// Our own sender rather than ping(8): with an interval shorter than a few jiffies and a reply
// outstanding, iputils' ping waits 10 ms between probes, so during an outage (exactly what is
// measured) it probes every 10 ms and overstates a gap by up to that much. Here one thread sends
// on an absolute schedule whatever comes back, and replies are stamped by the kernel on arrival
// (SIOCGSTAMPNS), so neither a busy machine nor the receiving thread's wakeup shifts them.
import CLinux
import Foundation

public struct ReachabilityReport: Sendable {
    /// Reply arrival times, seconds since the epoch, in order.
    public let replies: [Double]
    public let sent: Int

    /// The longest time between two consecutive replies (the outage), in seconds.
    public var longestGap: Double {
        zip(replies, replies.dropFirst()).map { $1 - $0 }.max() ?? 0
    }

    /// When the longest gap started and ended.
    public var longestGapBounds: (start: Double, end: Double)? {
        zip(replies, replies.dropFirst()).max { ($0.1 - $0.0) < ($1.1 - $1.0) }.map { (start: $0.0, end: $0.1) }
    }
}

public final class ReachabilityProbe: @unchecked Sendable {
    private let socket: Int32
    private let v6: Bool
    private let identifier = UInt16.random(in: 1...UInt16.max)
    private let lock = NSLock()
    private var replies: [Double] = []
    private var answered: Set<UInt16> = []
    private var sent = 0
    private var stopping = false
    private let finished = DispatchGroup()

    /// Starts probing `address` from `ns` every `interval` for `duration`.
    public init(from ns: NetworkNamespace, to address: String, interval: Duration = .milliseconds(2),
                duration: Duration) throws {
        v6 = address.contains(":")
        let target = try Self.socketAddress(address, v6: v6)
        // A raw socket belongs to the namespace it was made in, whichever thread uses it later.
        socket = try ns.perform { [v6] () throws -> Int32 in
            let fd = v6 ? Glibc.socket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMPV6))
                        : Glibc.socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
            guard fd >= 0 else { throw NamespaceError(message: "ICMP socket: \(String(cString: strerror(errno)))") }
            return fd
        }
        var wait = timeval(tv_sec: 0, tv_usec: 20_000)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &wait, socklen_t(MemoryLayout<timeval>.size))
        let count = max(1, Int(Self.seconds(duration) / Self.seconds(interval)))
        finished.enter()
        finished.enter()
        Thread { [self] in
            sendLoop(to: target, every: Self.seconds(interval), count: count)
            // Late replies: as ping's -W 1 waited for them, but shorter.
            usleep(200_000)
            lock.withLock { stopping = true }
            finished.leave()
        }.start()
        Thread { [self] in
            receiveLoop()
            finished.leave()
        }.start()
    }

    /// Waits until every request is sent and the last replies had time to come; returns what it saw.
    public func finish() -> ReachabilityReport {
        finished.wait()
        close(socket)
        return lock.withLock { ReachabilityReport(replies: replies.sorted(), sent: sent) }
    }

    /// Ends the probe early (finish() then returns at once).
    public func stop() {
        lock.withLock { stopping = true }
    }

    private func sendLoop(to target: [UInt8], every interval: Double, count: Int) {
        var next = Self.monotonic()
        for sequence in 0..<count {
            if lock.withLock({ stopping }) { return }
            var message = Self.echoRequest(identifier: identifier, sequence: UInt16(truncatingIfNeeded: sequence), v6: v6)
            if !v6 { Self.fillChecksum(&message) }
            _ = target.withUnsafeBytes { address in
                sendto(socket, message, message.count, 0,
                       address.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(address.count))
            }
            lock.withLock { sent += 1 }
            // An absolute schedule: a late wakeup does not push every later probe back.
            next += interval
            var deadline = timespec(tv_sec: Int(next), tv_nsec: Int((next - next.rounded(.down)) * 1e9))
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &deadline, nil)
        }
    }

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 2048)
        while !lock.withLock({ stopping }) {
            let length = recv(socket, &buffer, buffer.count, 0)
            guard length > 0 else { continue }
            var stamp = timespec()
            // SIOCGSTAMPNS: when the kernel received the datagram just read.
            guard ioctl(socket, 0x8907, &stamp) == 0 else { continue }
            guard let sequence = reply(in: buffer[0..<length]) else { continue }
            lock.withLock {
                if answered.insert(sequence).inserted { replies.append(Double(stamp.tv_sec) + Double(stamp.tv_nsec) / 1e9) }
            }
        }
    }

    /// The sequence number when `packet` is an echo reply to this probe. An IPv4 raw socket
    /// hands over the IP header too; an IPv6 one only the ICMPv6 message.
    private func reply(in packet: ArraySlice<UInt8>) -> UInt16? {
        var icmp = packet
        if !v6 {
            guard let first = packet.first else { return nil }
            icmp = packet.dropFirst(Int(first & 0x0f) * 4)
        }
        guard icmp.count >= 8 else { return nil }
        let start = icmp.startIndex
        guard icmp[start] == (v6 ? 129 : 0), icmp[start + 1] == 0,
              UInt16(icmp[start + 4]) << 8 | UInt16(icmp[start + 5]) == identifier else { return nil }
        return UInt16(icmp[start + 6]) << 8 | UInt16(icmp[start + 7])
    }

    private static func echoRequest(identifier: UInt16, sequence: UInt16, v6: Bool) -> [UInt8] {
        [v6 ? 128 : 8, 0, 0, 0, UInt8(identifier >> 8), UInt8(identifier & 0xff), UInt8(sequence >> 8), UInt8(sequence & 0xff)]
            + [UInt8](repeating: 0x5a, count: 56)
    }

    /// The Internet checksum (RFC 1071) over the ICMP message; ICMPv6's the kernel fills in.
    private static func fillChecksum(_ message: inout [UInt8]) {
        var sum: UInt32 = 0
        for index in stride(from: 0, to: message.count, by: 2) {
            sum += UInt32(message[index]) << 8 | UInt32(index + 1 < message.count ? message[index + 1] : 0)
        }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(checksum & 0xff)
    }

    private static func socketAddress(_ address: String, v6: Bool) throws -> [UInt8] {
        guard AddressPolicy.isLabAddress(address) else { throw LabAddressError(address: address) }
        if v6 {
            var socketAddress = sockaddr_in6()
            socketAddress.sin6_family = sa_family_t(AF_INET6)
            guard inet_pton(AF_INET6, address, &socketAddress.sin6_addr) == 1 else { throw LabAddressError(address: address) }
            return withUnsafeBytes(of: socketAddress) { Array($0) }
        }
        var socketAddress = sockaddr_in()
        socketAddress.sin_family = sa_family_t(AF_INET)
        guard inet_pton(AF_INET, address, &socketAddress.sin_addr) == 1 else { throw LabAddressError(address: address) }
        return withUnsafeBytes(of: socketAddress) { Array($0) }
    }

    private static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    private static func monotonic() -> Double {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
    }
}
