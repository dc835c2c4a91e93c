// The unsolicited Neighbor Advertisement a new VRRP master sends for each IPv6 VIP (RFC 5798
// section 6.4.2; message format RFC 4861 section 4.4): to all nodes, Override set, Solicited
// clear, with the MAC that now owns the VIP in a Target Link-Layer Address option.
import Netlink

public enum NeighborAdvertisement {
    /// ICMPv6 type of a Neighbor Advertisement.
    public static let icmpType: UInt8 = 136
    /// ff02::1, all nodes on the link.
    public static let allNodes = InetAddress(bytes: [0xFF, 0x02] + [UInt8](repeating: 0, count: 13) + [0x01])!

    /// The ICMPv6 message (32 bytes) announcing that `target` is at `mac`. Its checksum field is
    /// zero: an ICMPv6 raw socket fills it in; anyone building the IP packet alone writes
    /// `checksum(of:from:to:)` at offset 2. `isRouter` sets the R flag, which RFC 5798 asks of
    /// a VRRP master.
    public static func message(target: InetAddress, at mac: MACAddress, isRouter: Bool = true) throws(VRRPIOError) -> [UInt8] {
        guard target.family == .ipv6 else {
            throw VRRPIOError.wrongAddress("neighbor advertisements are for IPv6 addresses, not \(target)")
        }
        let router: UInt8 = isRouter ? 0x80 : 0
        let override: UInt8 = 0x20
        var message: [UInt8] = [icmpType, 0, 0, 0]     // type, code, checksum
        message += [router | override, 0, 0, 0]         // R, S = 0, O; reserved
        message += target.bytes
        message += [2, 1]                               // Target Link-Layer Address, 8 bytes
        message += mac.bytes
        return message
    }

    /// The ICMPv6 checksum of `message` sent from `source` to `destination`: the ones'
    /// complement sum over the IPv6 pseudo-header (RFC 8200 section 8.1) and the message, with
    /// the message's own checksum field counted as zero.
    public static func checksum(of message: [UInt8], from source: InetAddress, to destination: InetAddress) -> UInt16 {
        var sum = InternetChecksum()
        sum.add(source.bytes)
        sum.add(destination.bytes)
        let length = UInt32(message.count)
        sum.add([UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16),
                 UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)])
        sum.add([0, 0, 0, 58])                          // zeros, next header ICMPv6
        var zeroed = message
        if zeroed.count >= 4 { zeroed[2] = 0; zeroed[3] = 0 }
        sum.add(zeroed)
        return sum.value
    }
}
