// The raw IP socket for protocol 112 that the sender and the receiver both start from.
import CLinux
import Foundation
import Netlink

enum VRRPRawSocket {
    /// A raw socket of `family` for VRRP, bound to interface `ifindex`, on which the kernel
    /// neither writes nor checks the VRRP checksum (the caller computes VRRPv3's over the
    /// pseudo-header, and the VRRP receiver checks it). For IPv4 the kernel still builds the IP
    /// header (no IP_HDRINCL): it fills in the source, TTL and identification correctly.
    static func open(family: InetAddress.Family, ifindex: Int32) throws(VRRPIOError) -> Int32 {
        let fd = try openSocket(family.socketFamily, Int32(SOCK_RAW.rawValue), VRRPTransport.ipProtocol,
                                "\(family) raw, protocol 112")
        // Only this interface's traffic, and sent out of this interface whatever the routes say.
        try configure(fd, "SO_BINDTOIFINDEX \(ifindex)", xdpha_socket_bind_to_ifindex(fd, ifindex))
        if family == .ipv6 {
            try configure(fd, "IPV6_CHECKSUM -1", xdpha_inet6_leave_checksum_alone(fd))
        }
        return fd
    }
}
