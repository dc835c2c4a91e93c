// RFC 5798 section 6.4.2 (and RFC 3768 6.4.2 for v2): the Backup state, driven by a virtual clock.
import Testing
import VRRP

@Suite("RFC 5798 6.4.2 Backup")
struct BackupStateTests {
    @Test("6.4.2 (305)-(340): a backup does not own the virtual addresses")
    func backupHoldsNoAddresses() {
        var harness = Harness(v3Config())
        let actions = harness.send(.startup)
        #expect(actions.addedAddresses == nil)
        #expect(actions.announced == nil)
    }

    @Test("6.4.2 (345)-(355): Shutdown cancels Master_Down_Timer and returns to Initialize")
    func shutdown() {
        var harness = Harness(v3Config())
        harness.send(.startup)
        let actions = harness.send(.shutdown)
        #expect(actions.cancels(.masterDown))
        #expect(actions.sentAdverts.isEmpty)
        #expect(harness.router.state == .initialize)
        #expect(harness.router.timerDeadlines.isEmpty)
        #expect(actions.transition?.reason == .shutdown)
    }

    @Test("6.4.2 (365)-(410): Master_Down_Timer fires: advert, addresses, announcement, Adver_Timer, Master")
    func masterDownFires() {
        var harness = Harness(v3Config(priority: 100))
        harness.send(.startup)
        // Nothing heard for Master_Down_Interval.
        let actions = harness.fire(.masterDown)
        #expect(harness.clock.now == MonotonicInstant.origin.advanced(by: harness.router.masterDownInterval))
        #expect(actions.sentAdverts.map(\.priority) == [100])
        #expect(actions.addedAddresses?.addresses == [Fixture.vip])
        #expect(actions.announced == [Fixture.vip])
        #expect(actions.deadline(of: .adver) == harness.clock.now.advanced(by: .seconds(1)))
        #expect(harness.router.state == .master)
        #expect(actions.transition?.reason == .masterDownTimerExpired)
        // Addresses are configured before they are announced.
        let addIndex = actions.firstIndex { if case .addVirtualAddresses = $0 { true } else { false } }
        let announceIndex = actions.firstIndex { if case .announceAddresses = $0 { true } else { false } }
        #expect(addIndex! < announceIndex!)
    }

    @Test("6.4.2 (425)-(430): an advert with priority 0 sets Master_Down_Timer to Skew_Time")
    func priorityZero() {
        let config = v3Config(priority: 100)
        var harness = Harness(config)
        harness.send(.startup)
        harness.advance(.milliseconds(700))
        let actions = harness.receive(peerAdvert(for: config, priority: 0), from: Fixture.higherPeer)
        // Skew_Time = (256 - 100) * 1 s / 256
        #expect(harness.router.skewTime == Duration.seconds(156) / 256)
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: Duration.seconds(156) / 256))
        harness.fire(.masterDown)
        #expect(harness.router.state == .master)
    }

    @Test("6.4.2 (445)-(460): an advert of higher or equal priority resets Master_Down_Timer")
    func higherOrEqualPriorityResetsTimer() {
        let config = v3Config(priority: 100)
        var harness = Harness(config)
        harness.send(.startup)
        for priority: UInt8 in [200, 100, 254] {
            harness.advance(.milliseconds(900))
            let actions = harness.receive(peerAdvert(for: config, priority: priority), from: Fixture.lowerPeer)
            #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: harness.router.masterDownInterval),
                    "advert with priority \(priority)")
        }
        // The master keeps advertising: the backup never takes over.
        #expect(harness.router.state == .backup)
    }

    @Test("6.4.2 (450)-(455): a v3 backup learns Master_Adver_Interval and recomputes Master_Down_Interval")
    func learnsMasterAdverInterval() {
        let config = v3Config(priority: 100, intervalCS: 100)
        var harness = Harness(config)
        harness.send(.startup)
        let actions = harness.receive(peerAdvert(for: config, priority: 150, intervalCS: 50), from: Fixture.higherPeer)
        #expect(harness.router.masterAdverInterval == .milliseconds(500))
        let expected = Duration.milliseconds(1500) + Duration.milliseconds(500) * 156 / 256
        #expect(harness.router.masterDownInterval == expected)
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: expected))
    }

    @Test("RFC 3768 6.4.2: a v2 backup keeps its own Advertisement_Interval and Skew (256 - P) / 256 s")
    func v2Timing() {
        let config = v2Config(priority: 100, seconds: 2)
        var harness = Harness(config)
        let actions = harness.send(.startup)
        #expect(harness.router.skewTime == Duration.seconds(156) / 256)
        #expect(actions.deadline(of: .masterDown) == MonotonicInstant.origin.advanced(by: .seconds(6) + Duration.seconds(156) / 256))
    }

    @Test("6.4.2 (445) Preempt_Mode false: a lower-priority master is accepted and its timer reset")
    func nopreemptAcceptsLowerPriority() {
        let config = v3Config(priority: 200, preempt: false)
        var harness = Harness(config)
        harness.send(.startup)
        for _ in 0..<10 {
            harness.advance(.seconds(1))
            let actions = harness.receive(peerAdvert(for: config, priority: 50), from: Fixture.lowerPeer)
            #expect(actions.deadline(of: .masterDown) != nil)
        }
        #expect(harness.router.state == .backup)
    }

    @Test("6.4.2 (465)-(470): with Preempt_Mode a lower-priority advert is discarded and the backup preempts")
    func preemptsLowerPriority() {
        let config = v3Config(priority: 200)
        var harness = Harness(config)
        harness.send(.startup)
        let deadline = harness.router.timerDeadlines[.masterDown]
        harness.advance(.seconds(1))
        let actions = harness.receive(peerAdvert(for: config, priority: 199), from: Fixture.higherPeer)
        #expect(actions.isEmpty)
        #expect(harness.router.timerDeadlines[.masterDown] == deadline)
        harness.fire(.masterDown)
        #expect(harness.router.state == .master)
    }

    @Test("6.1: a higher priority gives a shorter Master_Down_Interval, so the best backup wins")
    func skewOrdersBackups() {
        let intervals = [UInt8(1), 50, 100, 200, 254].map { makeRouter(v3Config(priority: $0)).masterDownInterval }
        #expect(intervals == intervals.sorted(by: >))
        #expect(Set(intervals).count == intervals.count)
    }

    @Test("a firing that arrives before the deadline, or after a reset, is ignored")
    func staleTimerIgnored() {
        let config = v3Config()
        var harness = Harness(config)
        harness.send(.startup)
        harness.advance(.seconds(3))
        harness.receive(peerAdvert(for: config, priority: 150), from: Fixture.higherPeer)
        // The firing of the first arming arrives late, after the reset.
        harness.advance(.milliseconds(700))
        #expect(harness.send(.timerFired(.masterDown)).isEmpty)
        #expect(harness.send(.timerFired(.adver)).isEmpty)
        #expect(harness.router.state == .backup)
    }
}
