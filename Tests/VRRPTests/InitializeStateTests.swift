// RFC 5798 section 6.4.1: the Initialize state, driven by a virtual clock.
import Testing
import VRRP

@Suite("RFC 5798 6.4.1 Initialize")
struct InitializeStateTests {
    @Test("6.4.1 (105)-(145): the address owner sends an advert, announces, arms Adver_Timer, becomes Master")
    func ownerStartup() {
        var harness = Harness(v3Config(priority: 255))
        let actions = harness.send(.startup)
        #expect(actions.sentAdverts.map(\.priority) == [255])
        #expect(actions.announced == [Fixture.vip])
        #expect(actions.deadline(of: .adver) == harness.clock.now.advanced(by: .seconds(1)))
        #expect(actions.deadline(of: .masterDown) == nil)
        #expect(harness.router.state == .master)
        #expect(actions.transition?.from == .initialize)
        #expect(actions.transition?.reason == .addressOwnerStartup)
        // The transition is announced after the work it describes.
        #expect(actions.last == .stateChanged(from: .initialize, to: .master, reason: .addressOwnerStartup))
    }

    @Test("6.4.1 (115)-(130): an IPv6 owner announces its addresses (unsolicited NA) like an IPv4 one (gratuitous ARP)")
    func ownerStartupIPv6() {
        let config = VirtualRouterConfiguration(virtualRouterID: 3, priority: 255, primaryAddress: ip("fe80::1"),
                                                virtualAddresses: [ip("fe80::100"), ip("2001:db8::100")])
        var harness = Harness(config)
        let actions = harness.send(.startup)
        #expect(actions.announced == [ip("fe80::100"), ip("2001:db8::100")])
        #expect(actions.sentAdverts.first?.addresses == config.virtualAddresses)
        #expect(harness.router.state == .master)
    }

    @Test("6.4.1 (150)-(165): a non-owner sets Master_Adver_Interval, arms Master_Down_Timer, becomes Backup")
    func nonOwnerStartup() {
        var harness = Harness(v3Config(priority: 100, intervalCS: 200))
        harness.advance(.seconds(7))
        let actions = harness.send(.startup)
        #expect(harness.router.masterAdverInterval == .seconds(2))
        // Master_Down_Interval = 3 * 2 s + (256 - 100) * 2 s / 256
        let expected = Duration.seconds(6) + Duration.seconds(2) * 156 / 256
        #expect(harness.router.masterDownInterval == expected)
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: expected))
        #expect(actions.sentAdverts.isEmpty)
        #expect(actions.addedAddresses == nil)
        #expect(harness.router.state == .backup)
        #expect(actions.transition?.reason == .startup)
    }

    @Test("6.4.1: before Startup nothing happens: adverts, timers and shutdown are ignored")
    func idleBeforeStartup() {
        let config = v3Config()
        var harness = Harness(config)
        #expect(harness.receive(peerAdvert(for: config, priority: 50), from: Fixture.lowerPeer).isEmpty)
        #expect(harness.send(.timerFired(.masterDown)).isEmpty)
        #expect(harness.send(.shutdown).isEmpty)
        #expect(harness.router.state == .initialize)
    }

    @Test("a second Startup while running changes nothing")
    func startupTwice() {
        var harness = Harness(v3Config())
        harness.send(.startup)
        #expect(harness.send(.startup).isEmpty)
        #expect(harness.router.state == .backup)
    }

    @Test("configurations the state machine cannot run are refused with a typed error")
    func invalidConfiguration() {
        func error(_ config: VirtualRouterConfiguration) -> VirtualRouterConfigurationError? {
            do {
                _ = try VirtualRouter(configuration: config)
                return nil
            } catch {
                return error
            }
        }
        var config = v3Config()
        config.virtualRouterID = 0
        #expect(error(config) == .virtualRouterIDZero)
        config = v3Config(priority: 0)
        #expect(error(config) == .priorityZero)
        config = v2Config()
        config.primaryAddress = ip("fe80::1")
        config.virtualAddresses = [ip("2001:db8::1")]
        #expect(error(config) == .version2RequiresIPv4)
        config = v2Config()
        config.advertisementInterval = interval(cs: 150)
        #expect(error(config) == .intervalNotRepresentable(interval(cs: 150), .v2))
        config = v3Config()
        config.authentication = .simplePassword(password("x"))
        #expect(error(config) == .authenticationRequiresVersion2)
        config = v3Config()
        config.virtualAddresses.append(ip("2001:db8::1"))
        #expect(error(config) == .addressFamilyMismatch(ip("2001:db8::1"), primary: Fixture.local))
        config = v3Config(preemptDelay: .seconds(1001))
        #expect(error(config) == .preemptDelayOutOfRange(.seconds(1001)))
    }
}
