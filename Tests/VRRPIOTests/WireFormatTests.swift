// The bytes the announcements and the receive path deal in, checked without a network.
import Netlink
import Testing
@testable import VRRPIO

@Suite("Wire formats")
struct WireFormatTests {
    let mac = MACAddress("02:00:5e:00:01:33")!

    @Test("A gratuitous ARP is a broadcast request whose sender and target address are the VIP")
    func arpAnnouncementLayout() throws {
        let frame = try ARPAnnouncement.frame(announcing: InetAddress("192.0.2.100")!, at: mac)
        #expect(frame.count == 42)
        #expect(Array(frame[0..<6]) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(Array(frame[6..<12]) == mac.bytes)
        #expect(Array(frame[12..<14]) == [0x08, 0x06])
        #expect(Array(frame[14..<22]) == [0, 1, 0x08, 0, 6, 4, 0, 1], "Ethernet/IPv4, request")
        #expect(Array(frame[22..<28]) == mac.bytes)
        #expect(Array(frame[28..<32]) == [192, 0, 2, 100])
        #expect(Array(frame[32..<38]) == [0, 0, 0, 0, 0, 0])
        #expect(Array(frame[38..<42]) == [192, 0, 2, 100])
        #expect(throws: VRRPIOError.self) { try ARPAnnouncement.frame(announcing: InetAddress("2001:db8::1")!, at: mac) }
    }

    @Test("A neighbor advertisement carries R and O, the target and its link-layer address option")
    func neighborAdvertisementLayout() throws {
        let target = InetAddress("2001:db8::100")!
        let message = try NeighborAdvertisement.message(target: target, at: mac)
        #expect(message.count == 32)
        #expect(Array(message[0..<4]) == [136, 0, 0, 0])
        #expect(Array(message[4..<8]) == [0xA0, 0, 0, 0])
        #expect(Array(message[8..<24]) == target.bytes)
        #expect(Array(message[24..<32]) == [2, 1] + mac.bytes)
        let host = try NeighborAdvertisement.message(target: target, at: mac, isRouter: false)
        #expect(host[4] == 0x20, "Override alone when not a router")
        #expect(throws: VRRPIOError.self) { try NeighborAdvertisement.message(target: InetAddress("192.0.2.1")!, at: mac) }
    }

    @Test("RFC 1071's worked example sums as the RFC says")
    func rfc1071Example() {
        var sum = InternetChecksum()
        sum.add([0x00, 0x01, 0xF2, 0x03, 0xF4, 0xF5, 0xF6, 0xF7])
        #expect(sum.value == ~UInt16(0xDDF2))
        var odd = InternetChecksum()
        odd.add([0x01])
        #expect(odd.value == ~UInt16(0x0100), "an odd byte counts as the high half of a word")
    }

    @Test("A message carrying its ICMPv6 checksum sums to zero with the pseudo-header")
    func checksumVerifies() throws {
        let source = InetAddress("fe80::1")!
        var message = try NeighborAdvertisement.message(target: InetAddress("2001:db8::100")!, at: mac)
        let checksum = NeighborAdvertisement.checksum(of: message, from: source, to: NeighborAdvertisement.allNodes)
        message[2] = UInt8(checksum >> 8)
        message[3] = UInt8(checksum & 0xFF)
        var verify = InternetChecksum()
        verify.add(source.bytes)
        verify.add(NeighborAdvertisement.allNodes.bytes)
        verify.add([0, 0, 0, 32, 0, 0, 0, 58])
        verify.add(message)
        #expect(verify.value == 0)
        #expect(NeighborAdvertisement.checksum(of: message, from: source, to: NeighborAdvertisement.allNodes) == checksum,
                "the field's own value is ignored")
        #expect(NeighborAdvertisement.checksum(of: message, from: InetAddress("fe80::2")!, to: NeighborAdvertisement.allNodes) != checksum)
    }

    @Test("The IPv4 header in front of a raw socket's datagram is read, and malformed ones are refused")
    func ipv4Header() {
        let packet: [UInt8] = [0x45, 0, 0, 28, 0, 0, 0x40, 0, 255, 112, 0, 0,
                               192, 0, 2, 1, 224, 0, 0, 18] + [0x31, 51, 100, 1, 0, 100, 0, 0]
        let header = IPv4PacketHeader(parsing: packet)
        #expect(header?.headerLength == 20)
        #expect(header?.totalLength == 28)
        #expect(header?.timeToLive == 255)
        #expect(header?.protocolNumber == 112)
        #expect(header?.source == InetAddress("192.0.2.1"))
        #expect(header?.destination == VRRPTransport.ipv4Group)

        var withOptions = packet
        withOptions[0] = 0x46
        withOptions[3] = 32
        withOptions.insert(contentsOf: [0x94, 4, 0, 0], at: 20)   // router alert option
        #expect(IPv4PacketHeader(parsing: withOptions)?.headerLength == 24)

        #expect(IPv4PacketHeader(parsing: Array(packet.prefix(19))) == nil, "shorter than a header")
        var version6 = packet
        version6[0] = 0x65
        #expect(IPv4PacketHeader(parsing: version6) == nil, "not version 4")
        var tooLong = packet
        tooLong[3] = 60
        #expect(IPv4PacketHeader(parsing: tooLong) == nil, "claims more bytes than it has")
        var badLength = packet
        badLength[0] = 0x44
        #expect(IPv4PacketHeader(parsing: badLength) == nil, "IHL below 5")
    }

    @Test("The VRRP groups and transport constants")
    func transport() {
        #expect(VRRPTransport.ipv4Group.description == "224.0.0.18")
        #expect(VRRPTransport.ipv6Group.description == "ff02::12")
        #expect(NeighborAdvertisement.allNodes.description == "ff02::1")
        #expect(VRRPTransport.group(.ipv6).isMulticast)
    }
}
