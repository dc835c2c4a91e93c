// One VRRP packet as the socket path received it: the facts the VRRP receiver checks (RFC 5798
// section 7.1) and the message itself.
import Netlink

public struct ReceivedVRRPPacket: Hashable, Sendable, CustomStringConvertible {
    /// The interface it arrived on.
    public var ifindex: Int32
    /// The sender's address: its primary address (IPv4) or link-local address (IPv6).
    public var source: InetAddress
    /// The group, or this host's address for unicast adverts.
    public var destination: InetAddress
    /// TTL (IPv4) or hop limit (IPv6) on arrival; VRRP accepts 255 only.
    public var hopLimit: UInt8
    /// The VRRP message from its version/type byte on, IP header removed.
    public var payload: [UInt8]

    public var description: String {
        "VRRP \(source) -> \(destination) on \(ifindex) hop limit \(hopLimit), \(payload.count) bytes"
    }
}
