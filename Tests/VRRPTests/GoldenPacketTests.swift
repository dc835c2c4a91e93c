// Adverts captured from Debian's keepalived 2.2.7 (Golden/README.md): our decoder must read them
// with the facts of their IP header, and our encoder must write them again byte for byte.
import Testing
import VRRP

@Suite("Golden packets from keepalived")
struct GoldenPacketTests {
    @Test("every captured advert decodes and re-encodes byte for byte", arguments: Golden.names)
    func roundTrip(name: String) throws {
        let packet = try Golden.packet(name)
        let advert = try AdvertDecoder.decode(packet.payload, ip: packet.header.addresses)
        let encoded = try AdvertEncoder.encode(advert, ip: packet.header.addresses)
        #expect(encoded == packet.payload)
        #expect(packet.header.hopLimit == 255)
        #expect(packet.header.addresses.destination == VRRPWire.group(for: packet.header.addresses.family))
        #expect((advert.priority == 0) == name.hasSuffix("priority0"))
    }

    @Test("v2 with PASS authentication: VRID 51, priority 150, 1 s, password secret12")
    func v2Pass() throws {
        let packet = try Golden.packet("v2-pass-ipv4")
        let advert = try AdvertDecoder.decode(packet.payload, ip: packet.header.addresses)
        #expect(advert == VRRPAdvert(version: .v2, virtualRouterID: 51, priority: 150,
                                     interval: interval(cs: 100), addresses: [ip("198.51.100.100")],
                                     authentication: .simplePassword(password("secret12"))))
        #expect(packet.header.addresses.source == ip("198.51.100.1"))
    }

    @Test("v3 over IPv4: VRID 52, priority 120, 50 cs, two addresses")
    func v3IPv4() throws {
        let packet = try Golden.packet("v3-ipv4")
        let advert = try AdvertDecoder.decode(packet.payload, ip: packet.header.addresses)
        #expect(advert == VRRPAdvert(version: .v3, virtualRouterID: 52, priority: 120,
                                     interval: interval(cs: 50),
                                     addresses: [ip("198.51.100.101"), ip("198.51.100.102")]))
    }

    @Test("v3 over IPv6: VRID 53, priority 100, 100 cs, sent from the link-local address")
    func v3IPv6() throws {
        let packet = try Golden.packet("v3-ipv6")
        let advert = try AdvertDecoder.decode(packet.payload, ip: packet.header.addresses)
        #expect(advert == VRRPAdvert(version: .v3, virtualRouterID: 53, priority: 100,
                                     interval: interval(cs: 100), addresses: [ip("2001:db8::100")]))
        #expect(packet.header.addresses.source == ip("fe80::ff:fe00:a"))
        guard case .v6(let source) = packet.header.addresses.source else { return }
        #expect(source.isLinkLocal)
    }

    @Test("keepalived's v3 IPv4 checksum covers the pseudo-header: the v2 rule would not verify")
    func v3ChecksumNeedsPseudoHeader() throws {
        let packet = try Golden.packet("v3-ipv4")
        // Same bytes read against different IP addresses must fail the checksum.
        let moved = IPHeaderAddresses.ipv4(source: v4("198.51.100.9"), destination: v4("224.0.0.18"))
        #expect(throws: AdvertDecodeError.self) {
            try AdvertDecoder.decode(packet.payload, ip: moved)
        }
    }

    @Test("the receiver accepts every golden packet against a matching configuration",
          arguments: Golden.names)
    func receiverAccepts(name: String) throws {
        let packet = try Golden.packet(name)
        let advert = try AdvertDecoder.decode(packet.payload, ip: packet.header.addresses)
        let expectations = AdvertExpectations(
            version: advert.version, isAddressOwner: false, advertisementInterval: advert.interval,
            authentication: advert.authentication, virtualAddresses: advert.addresses)
        let result = AdvertReceiver.validate(payload: packet.payload, header: packet.header) {
            $0 == advert.virtualRouterID ? expectations : nil
        }
        #expect(try result.get().advert == advert)
        #expect(try result.get().source == packet.header.addresses.source)
    }

    @Test("a priority-0 golden advert makes a backup arm Master_Down_Timer to Skew_Time")
    func priorityZeroDrivesBackup() throws {
        let packet = try Golden.packet("v3-ipv4-priority0")
        let advert = try AdvertDecoder.decode(packet.payload, ip: packet.header.addresses)
        let config = VirtualRouterConfiguration(
            virtualRouterID: 52, version: .v3, priority: 100, advertisementInterval: interval(cs: 50),
            primaryAddress: ip("198.51.100.3"), virtualAddresses: advert.addresses)
        var harness = Harness(config)
        harness.send(.startup)
        harness.advance(.milliseconds(100))
        let actions = harness.receive(advert, from: packet.header.addresses.source,
                                      hopLimit: packet.header.hopLimit)
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: harness.router.skewTime))
    }
}
