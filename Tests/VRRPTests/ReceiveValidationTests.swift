// RFC 5798 section 7.1 and RFC 3768 section 7.1: what a receiver checks before an advert reaches
// the state machine, through AdvertReceiver and through VirtualRouter's own event path.
import Testing
import VRRP

private let fromPeer = IPHeaderAddresses.ipv4(source: v4("198.51.100.2"), destination: v4("224.0.0.18"))

private func expectations(_ config: VirtualRouterConfiguration) -> (UInt8) -> AdvertExpectations? {
    { $0 == config.virtualRouterID ? config.expectations : nil }
}

private func validate(_ advert: VRRPAdvert, config: VirtualRouterConfiguration, hopLimit: UInt8 = 255,
                      ip: IPHeaderAddresses = fromPeer) throws -> Result<ValidatedAdvert, AdvertRejection> {
    let payload = try AdvertEncoder.encode(advert, ip: ip)
    return AdvertReceiver.validate(payload: payload, header: ReceivedPacketHeader(addresses: ip, hopLimit: hopLimit),
                                   lookup: expectations(config))
}

private func reason(_ result: Result<ValidatedAdvert, AdvertRejection>) -> AdvertRejectionReason? {
    if case .failure(let rejection) = result { return rejection.reason }
    return nil
}

@Suite("RFC 5798 / RFC 3768 section 7.1: receiving VRRP packets")
struct ReceiveValidationTests {
    @Test("7.1: MUST verify that the IPv4 TTL / IPv6 hop limit is 255")
    func ttl() throws {
        let config = v3Config()
        for hopLimit: UInt8 in [0, 1, 64, 254] {
            #expect(reason(try validate(peerAdvert(for: config, priority: 100), config: config, hopLimit: hopLimit)) == .ttl)
        }
        #expect(reason(try validate(peerAdvert(for: config, priority: 100), config: config)) == nil)
        // The same rule on the state machine's own path.
        var harness = Harness(config)
        harness.send(.startup)
        let actions = harness.receive(peerAdvert(for: config, priority: 200), from: Fixture.higherPeer, hopLimit: 254)
        #expect(actions.rejection == .ttl)
        #expect(actions.deadline(of: .masterDown) == nil)
    }

    @Test("7.1: a hop limit already checked upstream (XDP path, hopLimit nil) is not checked again")
    func ttlCheckedUpstream() {
        let config = v3Config(priority: 100)
        var harness = Harness(config)
        harness.send(.startup)
        harness.advance(.seconds(1))
        let actions = harness.receive(peerAdvert(for: config, priority: 200), from: Fixture.higherPeer, hopLimit: nil)
        #expect(actions.rejection == nil)
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: harness.router.masterDownInterval))
    }

    @Test("7.1: MUST verify the VRRP version (3 for a VRRPv3 router, 2 for a VRRPv2 router)")
    func version() throws {
        let v3 = v3Config()
        let v2Advert = peerAdvert(for: v2Config(), priority: 100)
        #expect(reason(try validate(v2Advert, config: v3)) == .version)
        let v3Advert = peerAdvert(for: v3, priority: 100)
        #expect(reason(try validate(v3Advert, config: v2Config())) == .version)
    }

    @Test("7.1: MUST verify that the packet contains the complete VRRP packet")
    func complete() throws {
        let config = v3Config()
        var payload = try AdvertEncoder.encode(peerAdvert(for: config, priority: 100), ip: fromPeer)
        payload.removeLast()
        let result = AdvertReceiver.validate(payload: payload, header: ReceivedPacketHeader(addresses: fromPeer, hopLimit: 255),
                                             lookup: expectations(config))
        #expect(reason(result) == .addressCount)
        let short = AdvertReceiver.validate(payload: Array(payload.prefix(5)),
                                            header: ReceivedPacketHeader(addresses: fromPeer, hopLimit: 255),
                                            lookup: expectations(config))
        #expect(reason(short) == .length)
    }

    @Test("7.1: MUST verify the VRRP checksum (v3: with the pseudo-header)")
    func checksum() throws {
        let config = v3Config()
        let payload = try AdvertEncoder.encode(peerAdvert(for: config, priority: 100), ip: fromPeer)
        // Delivered with another source address, the pseudo-header no longer matches.
        let spoofed = IPHeaderAddresses.ipv4(source: v4("198.51.100.3"), destination: v4("224.0.0.18"))
        let result = AdvertReceiver.validate(payload: payload, header: ReceivedPacketHeader(addresses: spoofed, hopLimit: 255),
                                             lookup: expectations(config))
        #expect(reason(result) == .checksum)
    }

    @Test("7.1: MUST verify that the VRID is configured on the receiving interface")
    func vrid() throws {
        let config = v3Config()
        var advert = peerAdvert(for: config, priority: 100)
        advert.virtualRouterID = 8
        #expect(reason(try validate(advert, config: config)) == .unknownVRID)
        var harness = Harness(config)
        harness.send(.startup)
        #expect(harness.receive(advert, from: Fixture.higherPeer).rejection == .unknownVRID)
    }

    @Test("7.1: MUST verify that the local router is not the address owner (priority 255)")
    func localOwner() throws {
        let owner = v3Config(priority: 255)
        #expect(reason(try validate(peerAdvert(for: owner, priority: 255), config: owner)) == .localOwner)
        // And the owner, Master since startup, stays Master whatever it hears.
        var harness = Harness(owner)
        harness.send(.startup)
        let actions = harness.receive(peerAdvert(for: owner, priority: 255), from: Fixture.higherPeer)
        #expect(actions.rejection == .localOwner)
        #expect(harness.router.state == .master)
    }

    @Test("RFC 3768 7.1: MUST verify that the Auth Type matches the configured one")
    func authType() throws {
        let withPassword = v2Config(authentication: .simplePassword(password("secret12")))
        let plain = peerAdvert(for: v2Config(), priority: 100)
        #expect(reason(try validate(plain, config: withPassword)) == .authType)
        let protected = peerAdvert(for: withPassword, priority: 100)
        #expect(reason(try validate(protected, config: v2Config())) == .authType)
    }

    @Test("RFC 3768 7.1 / RFC 2338: simple password authentication drops a wrong password")
    func authMismatch() throws {
        let config = v2Config(authentication: .simplePassword(password("secret12")))
        var advert = peerAdvert(for: config, priority: 100)
        advert.authentication = .simplePassword(password("secret13"))
        #expect(reason(try validate(advert, config: config)) == .authMismatch)
        advert.authentication = .simplePassword(password("secret12"))
        #expect(reason(try validate(advert, config: config)) == nil)
    }

    @Test("RFC 3768 7.1: MUST verify that the Adver Interval equals the configured one (v2)")
    func v2IntervalMismatch() throws {
        let config = v2Config(seconds: 1)
        #expect(reason(try validate(peerAdvert(for: config, priority: 100, intervalCS: 200), config: config)) == .interval)
        var harness = Harness(config)
        harness.send(.startup)
        let before = harness.router.timerDeadlines[.masterDown]
        harness.advance(.milliseconds(500))
        #expect(harness.receive(peerAdvert(for: config, priority: 200, intervalCS: 200), from: Fixture.higherPeer).rejection == .interval)
        #expect(harness.router.timerDeadlines[.masterDown] == before)
    }

    @Test("RFC 5798: a v3 advert with another interval is accepted (the backup learns it)")
    func v3IntervalAccepted() throws {
        let config = v3Config(intervalCS: 100)
        #expect(reason(try validate(peerAdvert(for: config, priority: 100, intervalCS: 37), config: config)) == nil)
    }

    @Test("RFC 3768 7.1: an address list mismatch is dropped unless the sender is the owner")
    func v2AddressList() throws {
        let config = v2Config()
        var advert = peerAdvert(for: config, priority: 100)
        advert.addresses = [ip("198.51.100.200")]
        #expect(reason(try validate(advert, config: config)) == .addressListMismatch)
        advert.priority = 255
        let fromOwner = try validate(advert, config: config)
        #expect(try fromOwner.get().addressListMatches == false)
    }

    @Test("RFC 5798 7.1: a v3 address list mismatch is kept and flagged for a log line")
    func v3AddressList() throws {
        let config = v3Config()
        var advert = peerAdvert(for: config, priority: 100)
        advert.addresses = [ip("198.51.100.200"), ip("198.51.100.201")]
        let result = try validate(advert, config: config)
        #expect(try result.get().addressListMatches == false)
        advert.addresses = config.virtualAddresses
        #expect(try validate(advert, config: config).get().addressListMatches == true)
    }

    @Test("keepalived skip_check_adv_addr: the address list is not compared")
    func addressListCheckOff() throws {
        var config = v2Config()
        config.checksAddressList = false
        var advert = peerAdvert(for: config, priority: 100)
        advert.addresses = [ip("198.51.100.200")]
        #expect(try validate(advert, config: config).get().addressListMatches)
    }

    @Test("a valid advert carries the sender's address for the tie-break")
    func source() throws {
        let config = v3Config()
        let result = try validate(peerAdvert(for: config, priority: 90), config: config)
        #expect(try result.get().source == ip("198.51.100.2"))
        #expect(try result.get().advert.priority == 90)
    }
}
