// A TCP SYN in Ethernet and IPv4, as a client sends it to a VIP: what the DR stage steers (or,
// with `tcpFlags` = ack, a later frame of that connection). Only the IPv4 header checksum is
// filled in; the stage reads no other.
import Balancer
import BPF
import Dataplane

struct SynFrame {
    static let directorMAC: [UInt8] = [0x02, 0xd1, 0, 0, 0, 0x01]
    static let clientMAC: [UInt8] = [0x02, 0xc1, 0, 0, 0, 0x01]

    var source: IPAddress
    var destination: IPAddress
    var sourcePort: UInt16
    var destinationPort: UInt16 = 80
    var tcpFlags: UInt8 = SynFrame.syn

    static let syn: UInt8 = 0x02
    static let ack: UInt8 = 0x10

    var flow: FlowKey {
        FlowKey(source: source, destination: destination, sourcePort: sourcePort, destinationPort: destinationPort,
                transport: .tcp)
    }

    var bytes: [UInt8] {
        var ip: [UInt8] = [0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0] + source.bytes + destination.bytes
        var sum: UInt32 = 0
        for i in stride(from: 0, to: ip.count, by: 2) { sum += UInt32(ip[i]) << 8 | UInt32(ip[i + 1]) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        ip[10] = UInt8(checksum >> 8)
        ip[11] = UInt8(checksum & 0xFF)
        let tcp: [UInt8] = [UInt8(sourcePort >> 8), UInt8(sourcePort & 0xFF), UInt8(destinationPort >> 8),
                            UInt8(destinationPort & 0xFF), 0, 0, 0, 1, 0, 0, 0, 0, 0x50, tcpFlags, 0xFF, 0xFF, 0, 0, 0, 0]
        return SynFrame.directorMAC + SynFrame.clientMAC + [0x08, 0x00] + ip + tcp
    }
}

/// Made-up MACs for reals in test runs: 02:ee:00:00 and the address's last two bytes.
enum TestLinks {
    static func mac(of address: IPAddress) -> [UInt8] { [0x02, 0xee, 0, 0] + address.bytes.suffix(2) }

    /// Every address resolved, "out of the ingress interface" (ifindex 0: XDP_TX).
    static func resolved(_ addresses: [String]) -> FixedRealLinks {
        var table: [IPAddress: RealLink] = [:]
        for text in addresses {
            let address = IPAddress(text)!
            table[address] = .resolved(.init(destination: mac(of: address), source: SynFrame.directorMAC, ifindex: 0))
        }
        return FixedRealLinks(table)
    }
}
