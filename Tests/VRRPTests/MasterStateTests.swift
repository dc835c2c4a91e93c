// RFC 5798 section 6.4.3: the Master state, driven by a virtual clock.
import Testing
import VRRP

@Suite("RFC 5798 6.4.3 Master")
struct MasterStateTests {
    @Test("6.4.3 (650): a non-owner master accepts traffic for the addresses only with Accept_Mode")
    func acceptMode() {
        var plain = Harness(v3Config(acceptMode: false))
        plain.send(.startup)
        #expect(plain.fire(.masterDown).addedAddresses?.acceptMode == false)
        var accepting = Harness(v3Config(acceptMode: true))
        accepting.send(.startup)
        #expect(accepting.fire(.masterDown).addedAddresses?.acceptMode == true)
        var owner = Harness(v3Config(priority: 255, acceptMode: false))
        #expect(owner.send(.startup).addedAddresses?.acceptMode == true)
    }

    @Test("6.4.3 (655)-(670): Shutdown cancels Adver_Timer, sends priority 0, returns to Initialize")
    func shutdown() {
        var harness = Harness(v3Config())
        harness.startAsMaster()
        let actions = harness.send(.shutdown)
        #expect(actions.cancels(.adver))
        #expect(actions.sentAdverts.map(\.priority) == [0])
        #expect(actions.removedAddresses == [Fixture.vip])
        #expect(harness.router.state == .initialize)
        #expect(harness.router.timerDeadlines.isEmpty)
        // The priority-0 advert is sent after Adver_Timer is cancelled, as in the RFC's order.
        #expect(actions.firstIndex(of: .cancelTimer(.adver))! < actions.firstIndex { if case .sendAdvert = $0 { true } else { false } }!)
    }

    @Test("6.4.3 (680)-(690): each Adver_Timer firing sends an advert and re-arms Advertisement_Interval")
    func adverTimer() {
        var harness = Harness(v3Config(priority: 120, intervalCS: 25))
        harness.startAsMaster()
        let start = harness.clock.now
        for round in 1...8 {
            let actions = harness.fire(.adver)
            #expect(harness.clock.now == start.advanced(by: .milliseconds(250 * round)))
            #expect(actions.sentAdverts == [VRRPAdvert(version: .v3, virtualRouterID: 7, priority: 120,
                                                        interval: interval(cs: 25), addresses: [Fixture.vip])])
            #expect(actions.deadline(of: .adver) == harness.clock.now.advanced(by: .milliseconds(250)))
        }
        #expect(harness.router.state == .master)
    }

    @Test("6.4.3 (705)-(715): an advert with priority 0 makes the master advertise at once and reset Adver_Timer")
    func priorityZeroReceived() {
        let config = v3Config()
        var harness = Harness(config)
        harness.startAsMaster()
        harness.advance(.milliseconds(300))
        let actions = harness.receive(peerAdvert(for: config, priority: 0), from: Fixture.higherPeer)
        #expect(actions.sentAdverts.map(\.priority) == [100])
        #expect(actions.deadline(of: .adver) == harness.clock.now.advanced(by: .seconds(1)))
        #expect(harness.router.state == .master)
    }

    @Test("6.4.3 (725), (740)-(760): a higher priority advert: cancel Adver_Timer, learn interval, arm Master_Down_Timer, Backup")
    func higherPriorityTakesOver() {
        let config = v3Config(priority: 100)
        var harness = Harness(config)
        harness.startAsMaster()
        let actions = harness.receive(peerAdvert(for: config, priority: 101, intervalCS: 200), from: Fixture.lowerPeer)
        #expect(actions.cancels(.adver))
        #expect(actions.removedAddresses == [Fixture.vip])
        #expect(harness.router.masterAdverInterval == .seconds(2))
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: harness.router.masterDownInterval))
        #expect(harness.router.masterDownInterval == .seconds(6) + Duration.seconds(2) * 156 / 256)
        #expect(harness.router.state == .backup)
        #expect(actions.transition?.reason == .preemptedBy(source: Fixture.lowerPeer, priority: 101))
        #expect(actions.sentAdverts.isEmpty)
    }

    @Test("6.4.3 (735): equal priority from a higher primary address wins")
    func equalPriorityHigherAddress() {
        let config = v3Config(priority: 100)
        var harness = Harness(config)
        harness.startAsMaster()
        harness.receive(peerAdvert(for: config, priority: 100), from: Fixture.higherPeer)
        #expect(harness.router.state == .backup)
    }

    @Test("6.4.3 (765)-(770): equal priority from a lower address, or lower priority, is discarded")
    func lowerIsDiscarded() {
        let config = v3Config(priority: 100)
        var harness = Harness(config)
        harness.startAsMaster()
        #expect(harness.receive(peerAdvert(for: config, priority: 100), from: Fixture.lowerPeer).isEmpty)
        #expect(harness.receive(peerAdvert(for: config, priority: 99), from: Fixture.higherPeer).isEmpty)
        #expect(harness.router.state == .master)
    }

    @Test("6.4.3 (735): IPv6 addresses are compared as 128-bit numbers, not as text")
    func ipv6TieBreak() {
        // As text "fe80::1:0" sorts before "fe80::ff"; as a number it is larger.
        let config = VirtualRouterConfiguration(virtualRouterID: 9, priority: 100, primaryAddress: ip("fe80::ff"),
                                                virtualAddresses: [ip("2001:db8::100")], reannounceDelay: nil)
        var harness = Harness(config)
        harness.startAsMaster()
        #expect(harness.receive(peerAdvert(for: config, priority: 100), from: ip("fe80::fe")).isEmpty)
        #expect(harness.router.state == .master)
        harness.receive(peerAdvert(for: config, priority: 100), from: ip("fe80::1:0"))
        #expect(harness.router.state == .backup)
    }

    @Test("two routers on one segment elect the higher priority, then fail over on its shutdown")
    func twoRouters() {
        var bConfig = v3Config(priority: 100)
        bConfig.primaryAddress = Fixture.higherPeer
        var segment = Segment([v3Config(priority: 200), bConfig])
        segment.send(.startup, to: 0)
        segment.send(.startup, to: 1)
        segment.run(for: .seconds(10))
        #expect(segment.states == [.master, .backup])
        // Only A advertises: first at Master_Down_Interval = 3 s + 56/256 s, then every second
        // up to 10 s, which is 7 adverts.
        #expect(segment.log.allSatisfy { $0.from == 0 })
        #expect(segment.log.first?.at == MonotonicInstant.origin.advanced(by: .seconds(3) + Duration.seconds(56) / 256))
        #expect(segment.log.count == 7)
        // A stops: its priority-0 advert makes B master Skew_Time later, not Master_Down_Interval.
        let stoppedAt = segment.now
        segment.send(.shutdown, to: 0)
        #expect(segment.log.last?.advert.priority == 0)
        let skew = segment.routers[1].skewTime
        segment.run(for: skew - .milliseconds(1))
        #expect(segment.states == [.initialize, .backup])
        segment.run(for: .milliseconds(1))
        #expect(segment.states == [.initialize, .master])
        #expect(segment.log.last?.at == stoppedAt.advanced(by: skew))
    }
}
