// The IP-level facts of VRRP's transport (RFC 5798 section 5.1, RFC 3768 section 5.2).
import Netlink

public enum VRRPTransport {
    /// The IP protocol number VRRP adverts travel with.
    public static let ipProtocol: Int32 = 112
    /// Adverts leave with this TTL / hop limit, and a receiver drops any that arrive without it:
    /// proof that they were not routed.
    public static let hopLimit: UInt8 = 255
    /// 224.0.0.18, the IPv4 group adverts go to.
    public static let ipv4Group = InetAddress(bytes: [224, 0, 0, 18])!
    /// ff02::12, the IPv6 group adverts go to.
    public static let ipv6Group = InetAddress(bytes: [0xFF, 0x02] + [UInt8](repeating: 0, count: 13) + [0x12])!

    /// The advert group of `family`.
    public static func group(_ family: InetAddress.Family) -> InetAddress {
        family == .ipv4 ? ipv4Group : ipv6Group
    }
}
