// Sends VRRP adverts of one address family out of one interface: TTL / hop limit 255, to the
// group or to unicast peers, from the interface's primary (IPv4) or link-local (IPv6) address,
// or from a configured unicast_src_ip.
import CLinux
import Foundation
import Netlink

public final class VRRPSender: @unchecked Sendable {
    public let family: InetAddress.Family
    public let ifindex: Int32
    private let lock = NSLock()
    /// nil once closed; guarded by `lock`, which every send holds so that close() cannot free
    /// the descriptor number under a send in progress.
    private var descriptor: Int32?

    /// Opens the socket in the calling thread's network namespace.
    public init(family: InetAddress.Family, ifindex: Int32) throws(VRRPIOError) {
        self.family = family
        self.ifindex = ifindex
        let fd = try VRRPRawSocket.open(family: family, ifindex: ifindex)
        try configure(fd, "TTL / hop limit 255", xdpha_inet_set_hop_limit(fd, family.socketFamily, Int32(VRRPTransport.hopLimit)))
        try configure(fd, "multicast interface \(ifindex)", xdpha_inet_set_multicast_interface(fd, family.socketFamily, ifindex))
        // This host's own receiver must not hear its adverts as if a peer sent them.
        try configure(fd, "multicast loop off", xdpha_inet_set_multicast_loop(fd, family.socketFamily, 0))
        // A raw socket receives every VRRP packet of the host; this one only sends.
        try configure(fd, "drop-all socket filter", xdpha_socket_drop_all_input(fd))
        descriptor = fd
    }

    deinit { close() }

    /// Sends one VRRP message (`payload`, from its version/type byte on; for VRRPv3 with the
    /// checksum already computed over the pseudo-header of `source` and `destination`).
    ///
    /// - destination: the family's group (the default) or a unicast peer.
    /// - source: the address to send from, when configured (unicast_src_ip). nil lets the kernel
    ///   choose, which for the group is the interface's primary IPv4 address or its IPv6
    ///   link-local address, the addresses RFC 5798 asks for. A VRRPv3 checksum needs the
    ///   source, so a caller that computes one passes the source it computed it with.
    public func send(_ payload: [UInt8], to destination: InetAddress? = nil,
                     from source: InetAddress? = nil) throws(VRRPIOError) {
        let destination = destination ?? VRRPTransport.group(family)
        guard destination.family == family else {
            throw VRRPIOError.wrongAddress("\(destination) is not an \(family) address")
        }
        if let source, source.family != family {
            throw VRRPIOError.wrongAddress("source \(source) is not an \(family) address")
        }
        var cDestination = destination.cAddress
        let cSource = source?.cAddress ?? xdpha_inet_address()
        lock.lock()
        defer { lock.unlock() }
        guard let fd = descriptor else { throw VRRPIOError.closed }
        let sent = payload.withUnsafeBytes { buffer in
            withUnsafePointer(to: cSource) { sourcePointer in
                xdpha_inet_send(fd, buffer.baseAddress, buffer.count, &cDestination, ifindex,
                                source == nil ? nil : sourcePointer)
            }
        }
        // The message only on failure: formatting the address cost more than a send's user time.
        guard sent >= 0 else { throw VRRPIOError.lastSystemError("send VRRP to \(destination) on interface \(ifindex)") }
    }

    /// Closes the socket; later sends throw `.closed`.
    public func close() {
        lock.withLock {
            if let fd = descriptor { Glibc.close(fd) }
            descriptor = nil
        }
    }
}
