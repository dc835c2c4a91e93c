// The IPv4 header an IPv4 raw socket hands over in front of each VRRP message (IPv6 raw
// sockets hand over the payload alone).
import Netlink

public struct IPv4PacketHeader: Hashable, Sendable {
    /// Bytes the header takes (IHL × 4, 20 to 60).
    public var headerLength: Int
    /// The whole packet's length as the header states it.
    public var totalLength: Int
    public var timeToLive: UInt8
    public var protocolNumber: UInt8
    public var source: InetAddress
    public var destination: InetAddress

    /// Reads the header at the start of `packet`; nil when the bytes are not a whole IPv4 header
    /// of a packet they hold completely.
    public init?(parsing packet: [UInt8]) {
        guard packet.count >= 20, packet[0] >> 4 == 4 else { return nil }
        let headerLength = Int(packet[0] & 0x0F) * 4
        let totalLength = Int(packet[2]) << 8 | Int(packet[3])
        guard headerLength >= 20, totalLength >= headerLength, totalLength <= packet.count else { return nil }
        self.headerLength = headerLength
        self.totalLength = totalLength
        timeToLive = packet[8]
        protocolNumber = packet[9]
        source = InetAddress(bytes: Array(packet[12..<16]))!
        destination = InetAddress(bytes: Array(packet[16..<20]))!
    }
}
