// A new master's announcements reach the link: the gratuitous ARP and the unsolicited neighbor
// advertisement appear on the peer's wire as RFC 5798 section 6.4.2 describes them, and the
// peer's neighbour table moves the VIP to the sender's MAC.
import Foundation
import NetLab
import Netlink
import Testing
import VRRPIO

@Suite("Gratuitous ARP and neighbor advertisements in a lab", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct AnnouncementLabTests {
    /// The MAC the peer believed the VIP was at: the old master's.
    static let oldMAC = "02:00:5e:00:00:99"

    @Test("A gratuitous ARP for the VIP reaches the peer and moves its ARP entry to the sender's MAC")
    func gratuitousARP() async throws {
        let hosts = try TwoHosts("io-garp")
        defer { hosts.lab.tearDown() }
        try hosts.a.addAddress("192.0.2.100/24", dev: "eth0")
        try hosts.b.run("ip", "neigh", "add", "192.0.2.100", "lladdr", Self.oldMAC, "dev", "eth0", "nud", "stale")
        let mac = try #require(MACAddress(try hosts.a.mac("eth0")))
        let aIndex = try hosts.a.ifindex("eth0")
        let capture = try FrameCapture(hosts.b, dev: "eth0", etherType: 0x0806)
        let sender = try hosts.a.perform { try GratuitousARPSender(ifindex: aIndex) }

        try sender.announce(InetAddress("192.0.2.100")!, at: mac)

        let frame = try #require(capture.next { $0.count >= 42 && $0[20...21] == [0, 1] })
        #expect(Array(frame[0..<6]) == MACAddress.broadcast.bytes, "to broadcast")
        #expect(Array(frame[6..<12]) == mac.bytes, "from the sender's MAC")
        #expect(Array(frame[22..<28]) == mac.bytes, "sender hardware address")
        #expect(Array(frame[28..<32]) == [192, 0, 2, 100], "sender protocol address = VIP")
        #expect(Array(frame[38..<42]) == [192, 0, 2, 100], "target protocol address = VIP")
        let updated = try await eventually { try hosts.b.neighbourMAC("192.0.2.100", dev: "eth0").flatMap { $0 == mac.description ? $0 : nil } }
        #expect(updated == mac.description, "the peer's ARP entry moved to the new master")

        #expect(throws: VRRPIOError.self) { try sender.announce(InetAddress("2001:db8::100")!, at: mac) }
    }

    @Test("An unsolicited NA for the IPv6 VIP reaches the peer and moves its neighbour entry")
    func unsolicitedNeighborAdvertisement() async throws {
        let hosts = try TwoHosts("io-na")
        defer { hosts.lab.tearDown() }
        try hosts.a.addAddress("2001:db8::100/64", dev: "eth0")
        try hosts.b.run("ip", "-6", "neigh", "add", "2001:db8::100", "lladdr", Self.oldMAC, "dev", "eth0", "nud", "stale")
        let mac = try #require(MACAddress(try hosts.a.mac("eth0")))
        let aIndex = try hosts.a.ifindex("eth0")
        let linkLocal = try #require(try hosts.a.linkLocal(dev: "eth0"))
        let capture = try FrameCapture(hosts.b, dev: "eth0", etherType: 0x86DD)
        let sender = try hosts.a.perform { try NeighborAdvertisementSender(ifindex: aIndex) }
        let vip = InetAddress("2001:db8::100")!

        try sender.announce(vip, at: mac)

        // Ethernet 14 + IPv6 40 + ICMPv6 32; next header 58 and type 136.
        let frame = try #require(capture.next { $0.count >= 86 && $0[20] == 58 && $0[54] == 136 })
        #expect(Array(frame[0..<6]) == [0x33, 0x33, 0, 0, 0, 1], "to the all-nodes group's MAC")
        #expect(frame[21] == 255, "hop limit 255")
        let source = InetAddress(bytes: Array(frame[22..<38]))
        #expect(source == linkLocal, "from the link-local address")
        #expect(InetAddress(bytes: Array(frame[38..<54])) == NeighborAdvertisement.allNodes)
        let message = Array(frame[54..<86])
        #expect(message[1] == 0, "code 0")
        #expect(message[4] & 0xE0 == 0xA0, "Router and Override set, Solicited clear")
        #expect(InetAddress(bytes: Array(message[8..<24])) == vip, "target = VIP")
        #expect(Array(message[24..<26]) == [2, 1], "target link-layer address option")
        #expect(Array(message[26..<32]) == mac.bytes)
        let written = UInt16(message[2]) << 8 | UInt16(message[3])
        #expect(written == NeighborAdvertisement.checksum(of: message, from: source!, to: NeighborAdvertisement.allNodes),
                "the kernel's checksum is the one over the pseudo-header")

        let updated = try await eventually { try hosts.b.neighbourMAC("2001:db8::100", dev: "eth0").flatMap { $0 == mac.description ? $0 : nil } }
        #expect(updated == mac.description, "the peer's neighbour entry moved to the new master")
    }
}
