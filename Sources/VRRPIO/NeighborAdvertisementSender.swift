// Sends unsolicited neighbor advertisements out of one interface through an ICMPv6 raw socket:
// the kernel builds the IPv6 header and computes the checksum over the pseudo-header (it always
// does for ICMPv6 raw sockets); this socket sets the hop limit to 255, which receivers require
// of neighbour discovery (RFC 4861 section 7.1.2).
import CLinux
import Foundation
import Netlink

public final class NeighborAdvertisementSender: @unchecked Sendable {
    public let ifindex: Int32
    private let lock = NSLock()
    /// nil once closed; guarded by `lock`.
    private var descriptor: Int32?

    /// Opens the socket in the calling thread's network namespace. It receives nothing.
    public init(ifindex: Int32) throws(VRRPIOError) {
        self.ifindex = ifindex
        let fd = try openSocket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMPV6), "ICMPv6 raw")
        try configure(fd, "SO_BINDTOIFINDEX \(ifindex)", xdpha_socket_bind_to_ifindex(fd, ifindex))
        try configure(fd, "hop limit 255", xdpha_inet_set_hop_limit(fd, AF_INET6, 255))
        try configure(fd, "multicast interface \(ifindex)", xdpha_inet_set_multicast_interface(fd, AF_INET6, ifindex))
        try configure(fd, "drop-all socket filter", xdpha_socket_drop_all_input(fd))
        descriptor = fd
    }

    deinit { close() }

    /// Announces to all nodes that `target` (IPv6) is at `mac`. `source` nil lets the kernel
    /// pick the interface's link-local address.
    public func announce(_ target: InetAddress, at mac: MACAddress, isRouter: Bool = true,
                         from source: InetAddress? = nil) throws(VRRPIOError) {
        let message = try NeighborAdvertisement.message(target: target, at: mac, isRouter: isRouter)
        if let source, source.family != .ipv6 {
            throw VRRPIOError.wrongAddress("source \(source) is not an IPv6 address")
        }
        var destination = NeighborAdvertisement.allNodes.cAddress
        let cSource = source?.cAddress ?? xdpha_inet_address()
        lock.lock()
        defer { lock.unlock() }
        guard let fd = descriptor else { throw VRRPIOError.closed }
        let sent = message.withUnsafeBytes { buffer in
            withUnsafePointer(to: cSource) { sourcePointer in
                xdpha_inet_send(fd, buffer.baseAddress, buffer.count, &destination, ifindex,
                                source == nil ? nil : sourcePointer)
            }
        }
        try checkSystem("neighbor advertisement for \(target) on interface \(ifindex)", sent)
    }

    public func close() {
        lock.withLock {
            if let fd = descriptor { Glibc.close(fd) }
            descriptor = nil
        }
    }
}
