// Numbers the VRRP wire format fixes (RFC 3768 section 5, RFC 5798 section 5).

public enum VRRPWire {
    /// IP protocol number / IPv6 next header of VRRP.
    public static let ipProtocol: UInt8 = 112
    /// Adverts are sent with TTL / hop limit 255 and a receiver drops any other value, which proves
    /// the sender is on the same link (RFC 5798 section 5.1.1.3 and 7.1).
    public static let requiredHopLimit: UInt8 = 255
    /// The only message type: ADVERTISEMENT.
    public static let advertisementType: UInt8 = 1
    /// Version, type, VRID, priority, count, interval (with auth type in v2) and checksum.
    public static let fixedHeaderLength = 8
    /// The VRRPv2 authentication data field that follows the addresses.
    public static let v2AuthenticationDataLength = 8

    public static let ipv4Group = IPv4Address(224, 0, 0, 18)
    public static let ipv6Group = IPv6Address(high: 0xFF02_0000_0000_0000, low: 0x12)

    /// The multicast group adverts of `family` are sent to.
    public static func group(for family: IPFamily) -> IPAddress {
        family == .ipv4 ? .v4(ipv4Group) : .v6(ipv6Group)
    }

    /// The virtual router MAC: 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6
    /// (RFC 5798 section 7.3).
    public static func virtualRouterMAC(virtualRouterID: UInt8, family: IPFamily) -> [UInt8] {
        [0x00, 0x00, 0x5E, 0x00, family == .ipv4 ? 0x01 : 0x02, virtualRouterID]
    }
}
