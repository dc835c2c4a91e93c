// Adverts cross a link over the raw socket path: sent from one namespace, received in the other
// with the facts RFC 5798 section 7.1 checks (TTL 255, source, destination, interface).
import Foundation
import NetLab
import Netlink
import Testing
import VRRPIO

/// Bytes shaped like a VRRPv3 advert (version 3, type 1, VRID 51, priority 100, one address);
/// the checksum field holds a value no kernel would compute, to show nobody rewrites it.
let advertShapedPayload: [UInt8] = [0x31, 51, 100, 1, 0x00, 0x64, 0xBE, 0xEF, 203, 0, 113, 10]

@Suite("VRRP raw sockets in a lab", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct AdvertSocketLabTests {
    @Test("An IPv4 advert to 224.0.0.18 arrives with TTL 255 from the sender's primary address")
    func ipv4Multicast() async throws {
        let hosts = try TwoHosts("io-mc4")
        defer { hosts.lab.tearDown() }
        // A VIP in the primary's subnet (secondary) and one in another subnet (a primary of its
        // own, added later): neither may become the advert's source.
        try hosts.a.addAddress("192.0.2.100/24", dev: "eth0")
        try hosts.a.addAddress("198.51.100.100/24", dev: "eth0")
        let aIndex = try hosts.a.ifindex("eth0")
        let bIndex = try hosts.b.ifindex("eth0")
        let receiver = try hosts.b.perform { try VRRPReceiver(family: .ipv4, ifindex: bIndex) }
        defer { receiver.close() }
        let recorder = EventRecorder(receiver.packets)
        let sender = try hosts.a.perform { try VRRPSender(family: .ipv4, ifindex: aIndex) }

        try sender.send(advertShapedPayload)

        let packet = await recorder.first { _ in true }
        #expect(packet?.hopLimit == 255)
        #expect(packet?.source == InetAddress("192.0.2.1"))
        #expect(packet?.destination == VRRPTransport.ipv4Group)
        #expect(packet?.ifindex == bIndex)
        #expect(packet?.payload == advertShapedPayload)
    }

    @Test("An IPv6 advert to ff02::12 arrives with hop limit 255 from the link-local address, checksum untouched")
    func ipv6Multicast() async throws {
        let hosts = try TwoHosts("io-mc6")
        defer { hosts.lab.tearDown() }
        try hosts.a.addAddress("2001:db8::100/64", dev: "eth0")
        let aIndex = try hosts.a.ifindex("eth0")
        let bIndex = try hosts.b.ifindex("eth0")
        let linkLocal = try #require(try hosts.a.linkLocal(dev: "eth0"))
        let receiver = try hosts.b.perform { try VRRPReceiver(family: .ipv6, ifindex: bIndex) }
        defer { receiver.close() }
        let recorder = EventRecorder(receiver.packets)
        let sender = try hosts.a.perform { try VRRPSender(family: .ipv6, ifindex: aIndex) }

        try sender.send(advertShapedPayload)

        let packet = await recorder.first { _ in true }
        #expect(packet?.hopLimit == 255)
        #expect(packet?.source == linkLocal)
        #expect(packet?.destination == VRRPTransport.ipv6Group)
        #expect(packet?.ifindex == bIndex)
        #expect(packet?.payload == advertShapedPayload, "bytes 6-7 (the checksum) arrive as sent")
    }

    @Test("Unicast adverts arrive from the configured unicast_src_ip, IPv4 and IPv6")
    func unicastFromConfiguredSource() async throws {
        let hosts = try TwoHosts("io-uc")
        defer { hosts.lab.tearDown() }
        try hosts.a.addAddress("192.0.2.100/24", dev: "eth0")
        let aIndex = try hosts.a.ifindex("eth0")
        let bIndex = try hosts.b.ifindex("eth0")
        let receive4 = try hosts.b.perform { try VRRPReceiver(family: .ipv4, ifindex: bIndex, joinsGroup: false) }
        let receive6 = try hosts.b.perform { try VRRPReceiver(family: .ipv6, ifindex: bIndex, joinsGroup: false) }
        defer { receive4.close(); receive6.close() }
        let recorder4 = EventRecorder(receive4.packets)
        let recorder6 = EventRecorder(receive6.packets)
        let send4 = try hosts.a.perform { try VRRPSender(family: .ipv4, ifindex: aIndex) }
        let send6 = try hosts.a.perform { try VRRPSender(family: .ipv6, ifindex: aIndex) }

        try send4.send(advertShapedPayload, to: InetAddress("192.0.2.2"), from: InetAddress("192.0.2.100"))
        try send6.send(advertShapedPayload, to: InetAddress("2001:db8::2"), from: InetAddress("2001:db8::1"))

        let packet4 = await recorder4.first { _ in true }
        #expect(packet4?.source == InetAddress("192.0.2.100"))
        #expect(packet4?.destination == InetAddress("192.0.2.2"))
        #expect(packet4?.hopLimit == 255)
        #expect(packet4?.ifindex == bIndex)
        #expect(packet4?.payload == advertShapedPayload)
        let packet6 = await recorder6.first { _ in true }
        #expect(packet6?.source == InetAddress("2001:db8::1"))
        #expect(packet6?.destination == InetAddress("2001:db8::2"))
        #expect(packet6?.hopLimit == 255)
        #expect(packet6?.payload == advertShapedPayload)
    }

    @Test("A receiver that did not join the group hears no multicast adverts; closing ends its stream")
    func groupMembershipAndClose() async throws {
        let hosts = try TwoHosts("io-join")
        defer { hosts.lab.tearDown() }
        let aIndex = try hosts.a.ifindex("eth0")
        let bIndex = try hosts.b.ifindex("eth0")
        let unjoined = try hosts.b.perform { try VRRPReceiver(family: .ipv4, ifindex: bIndex, joinsGroup: false) }
        let joined = try hosts.b.perform { try VRRPReceiver(family: .ipv4, ifindex: bIndex) }
        defer { unjoined.close() }
        let unjoinedRecorder = EventRecorder(unjoined.packets)
        let joinedRecorder = EventRecorder(joined.packets)
        let sender = try hosts.a.perform { try VRRPSender(family: .ipv4, ifindex: aIndex) }

        // With a member on the host, the packet is delivered to every raw socket; the point is
        // that the joined one hears it. Then close the member and send again: now nobody on B
        // is a member, so the unjoined socket must stay silent.
        try sender.send(advertShapedPayload)
        #expect(await joinedRecorder.first { _ in true } != nil)
        joined.close()
        #expect(await eventually { await joinedRecorder.isFinished ? true : nil } == true)

        let heardBefore = await unjoinedRecorder.seen.count
        try sender.send([0x31, 52, 100, 0, 0, 100, 0, 0])
        #expect(await unjoinedRecorder.first(within: 0.5) { $0.payload[1] == 52 } == nil)
        #expect(heardBefore <= 1)

        sender.close()
        #expect(throws: VRRPIOError.closed) { try sender.send(advertShapedPayload) }
    }

    @Test("Addresses of the wrong family are refused")
    func wrongFamily() async throws {
        let hosts = try TwoHosts("io-fam")
        defer { hosts.lab.tearDown() }
        let aIndex = try hosts.a.ifindex("eth0")
        let sender = try hosts.a.perform { try VRRPSender(family: .ipv4, ifindex: aIndex) }
        #expect(throws: VRRPIOError.self) { try sender.send(advertShapedPayload, to: InetAddress("2001:db8::2")) }
        #expect(throws: VRRPIOError.self) {
            try sender.send(advertShapedPayload, to: InetAddress("192.0.2.2"), from: InetAddress("2001:db8::1"))
        }
    }
}
