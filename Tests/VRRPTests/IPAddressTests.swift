// Address parsing, text form and numeric order (the order RFC 5798 tie-breaks use).
import Testing
import VRRP

@Suite("IP addresses")
struct IPAddressTests {
    @Test("IPv4 text round trip and refusal of malformed text")
    func ipv4Text() {
        #expect(IPv4Address("198.51.100.7")?.value == 0xC633_6407)
        #expect(IPv4Address("198.51.100.7")?.description == "198.51.100.7")
        for bad in ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1..2.3", "+1.2.3.4", "1.2.3.4 ", "a.b.c.d", "1234.1.1.1"] {
            #expect(IPv4Address(bad) == nil, "\(bad)")
        }
    }

    @Test("IPv6 parsing: compressed forms, IPv4 tail, and refusals")
    func ipv6Text() {
        #expect(IPv6Address("::") == IPv6Address(high: 0, low: 0))
        #expect(IPv6Address("::1") == IPv6Address(high: 0, low: 1))
        #expect(IPv6Address("ff02::12") == VRRPWire.ipv6Group)
        #expect(IPv6Address("2001:DB8:0:0:0:0:0:1") == IPv6Address("2001:db8::1"))
        #expect(IPv6Address("::ffff:198.51.100.7") == IPv6Address(high: 0, low: 0xFFFF_C633_6407))
        for bad in [":", ":::", "1::2::3", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7", "12345::", "g::",
                    "fe80::1%eth0", "1.2.3.4::", "::1.2.3", "1:2:3:4:5:6:7::8"] {
            #expect(IPv6Address(bad) == nil, "\(bad)")
        }
    }

    @Test("IPv6 text form follows RFC 5952")
    func ipv6Format() {
        let cases = [("2001:0db8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
                     ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
                     ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
                     ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
                     ("fe80::ff:fe00:a", "fe80::ff:fe00:a"),
                     ("::", "::"), ("1::", "1::")]
        for (input, expected) in cases {
            #expect(IPv6Address(input)?.description == expected)
        }
    }

    @Test("numeric order, IPv4 and IPv6 alike")
    func order() {
        #expect(v4("198.51.100.10") > v4("198.51.100.9"))
        #expect(v4("10.0.0.1") < v4("192.0.2.1"))
        #expect(v6("fe80::1:0") > v6("fe80::ff"))
        #expect(v6("ff02::1") > v6("fe80::ffff:ffff:ffff:ffff"))
        #expect(ip("198.51.100.200") > ip("198.51.100.3"))
    }

    @Test("bytes in network order, and back", arguments: ["fe80::ff:fe00:a", "2001:db8:1:2:3:4:5:6", "::"])
    func bytes(text: String) {
        let address = v6(text)
        #expect(IPv6Address(bytes: address.bytes) == address)
        #expect(address.bytes.count == 16)
    }

    @Test("link-local detection")
    func linkLocal() {
        #expect(v6("fe80::1").isLinkLocal)
        #expect(v6("febf::1").isLinkLocal)
        #expect(!v6("fec0::1").isLinkLocal)
        #expect(!v6("2001:db8::1").isLinkLocal)
    }

    @Test("virtual router MAC per RFC 5798 7.3")
    func virtualMAC() {
        #expect(VRRPWire.virtualRouterMAC(virtualRouterID: 51, family: .ipv4) == [0, 0, 0x5E, 0, 1, 51])
        #expect(VRRPWire.virtualRouterMAC(virtualRouterID: 7, family: .ipv6) == [0, 0, 0x5E, 0, 2, 7])
    }
}
