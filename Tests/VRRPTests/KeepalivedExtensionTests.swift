// keepalived's additions to RFC 5798: preempt_delay, the Fault state, tracking weights and the
// second gratuitous ARP burst.
import Testing
import VRRP

@Suite("keepalived extensions")
struct KeepalivedExtensionTests {
    @Test("preempt_delay: a higher-priority backup waits the delay after startup before preempting")
    func preemptDelay() {
        // keepalived's man page example: advert 1 s, priority 128, preempt_delay 2 s takes over
        // about 2 s later than without the delay.
        func takeover(delay: Duration) -> MonotonicInstant? {
            var lowConfig = v3Config(priority: 50)
            lowConfig.primaryAddress = Fixture.higherPeer
            var segment = Segment([lowConfig, v3Config(priority: 128, preemptDelay: delay)])
            segment.send(.startup, to: 0)
            segment.run(for: .seconds(10))  // The low-priority router is master by now.
            let start = segment.now
            segment.send(.startup, to: 1)
            segment.run(for: .seconds(20))
            #expect(segment.states == [.backup, .master])
            let takeover = segment.log.first { $0.from == 1 }?.at
            return takeover.map { MonotonicInstant(sinceOrigin: start.duration(to: $0)) }
        }
        let immediate = takeover(delay: .zero)
        let delayed = takeover(delay: .seconds(2))
        // Without the delay: Master_Down_Interval = 3 s + 128/256 s after startup.
        #expect(immediate == MonotonicInstant(sinceOrigin: .milliseconds(3500)))
        // With it, the last advert accepted comes at most 2 s after startup.
        guard let delayed else { Issue.record("no takeover"); return }
        #expect(delayed > MonotonicInstant(sinceOrigin: .milliseconds(4500)))
        #expect(delayed <= MonotonicInstant(sinceOrigin: .milliseconds(5500)))
    }

    @Test("preempt_delay does not hold back a backup whose master goes silent")
    func preemptDelayNotForSilence() {
        var harness = Harness(v3Config(priority: 200, preemptDelay: .seconds(60)))
        harness.send(.startup)
        harness.fire(.masterDown)
        #expect(harness.router.state == .master)
    }

    @Test("Fault: the interface going down moves a backup to Fault and cancels Master_Down_Timer")
    func interfaceDownInBackup() {
        var harness = Harness(v3Config())
        harness.send(.startup)
        let actions = harness.send(.interfaceDown)
        #expect(actions.cancels(.masterDown))
        #expect(harness.router.state == .fault)
        #expect(actions.transition?.reason == .interfaceDown)
    }

    @Test("Fault: a master whose interface goes down releases its addresses and cannot send priority 0")
    func interfaceDownInMaster() {
        var harness = Harness(v3Config())
        harness.startAsMaster()
        let actions = harness.send(.interfaceDown)
        #expect(actions.cancels(.adver))
        #expect(actions.removedAddresses == [Fixture.vip])
        #expect(actions.sentAdverts.isEmpty)
        #expect(harness.router.state == .fault)
        #expect(harness.router.timerDeadlines.isEmpty)
    }

    @Test("Fault: a weight-0 tracker failing makes a master send priority 0 and step down")
    func trackerFault() {
        var harness = Harness(v3Config())
        harness.startAsMaster()
        let actions = harness.send(.trackerChanged(TrackerStatus(name: "chk_nginx", weight: 0, isUp: false)))
        #expect(actions.sentAdverts.map(\.priority) == [0])
        #expect(actions.removedAddresses == [Fixture.vip])
        #expect(harness.router.state == .fault)
        #expect(actions.transition?.reason == .trackerFault(name: "chk_nginx"))
    }

    @Test("Fault: nothing is heard or sent in Fault; recovery starts over as Backup (or Master for the owner)")
    func recovery() {
        let config = v3Config()
        var harness = Harness(config)
        harness.send(.startup)
        harness.send(.interfaceDown)
        #expect(harness.receive(peerAdvert(for: config, priority: 50), from: Fixture.lowerPeer).isEmpty)
        harness.advance(.seconds(30))
        let actions = harness.send(.interfaceUp)
        #expect(harness.router.state == .backup)
        #expect(actions.transition?.reason == .faultCleared)
        #expect(actions.deadline(of: .masterDown) == harness.clock.now.advanced(by: harness.router.masterDownInterval))

        var owner = Harness(v3Config(priority: 255))
        owner.send(.startup)
        owner.send(.interfaceDown)
        let ownerActions = owner.send(.interfaceUp)
        #expect(owner.router.state == .master)
        #expect(ownerActions.sentAdverts.map(\.priority) == [255])
    }

    @Test("Fault: stays while any fault holds: interface up but tracker still down")
    func faultNeedsAllClear() {
        var harness = Harness(v3Config())
        harness.send(.startup)
        harness.send(.interfaceDown)
        harness.send(.trackerChanged(TrackerStatus(name: "t", weight: 0, isUp: false)))
        harness.send(.interfaceUp)
        #expect(harness.router.state == .fault)
        harness.send(.trackerChanged(TrackerStatus(name: "t", weight: 0, isUp: true)))
        #expect(harness.router.state == .backup)
    }

    @Test("Fault: starting with the interface down enters Fault directly")
    func startupInFault() {
        var harness = Harness(v3Config())
        harness.send(.interfaceDown)
        let actions = harness.send(.startup)
        #expect(actions == [.stateChanged(from: .initialize, to: .fault, reason: .interfaceDown)])
        #expect(harness.send(.shutdown).transition?.to == .initialize)
    }

    @Test("tracking: positive weights add while up, negative ones subtract while down, clamped to 1...254")
    func trackingWeights() {
        var harness = Harness(v3Config(priority: 100))
        harness.send(.startup)
        var actions = harness.send(.trackerChanged(TrackerStatus(name: "up", weight: 20, isUp: true)))
        #expect(actions == [.effectivePriorityChanged(from: 100, to: 120)])
        actions = harness.send(.trackerChanged(TrackerStatus(name: "down", weight: -50, isUp: false)))
        #expect(actions == [.effectivePriorityChanged(from: 120, to: 70)])
        #expect(harness.send(.trackerChanged(TrackerStatus(name: "idle", weight: -50, isUp: true))).isEmpty)
        harness.send(.trackerChanged(TrackerStatus(name: "big", weight: 254, isUp: true)))
        #expect(harness.router.effectivePriority == 254)
        harness.send(.trackerChanged(TrackerStatus(name: "big", weight: -254, isUp: false)))
        #expect(harness.router.effectivePriority == 1)
    }

    @Test("tracking: the effective priority is what the master advertises and what Skew_Time uses")
    func effectivePriorityAdvertised() {
        var harness = Harness(v3Config(priority: 100))
        harness.startAsMaster()
        harness.send(.trackerChanged(TrackerStatus(name: "t", weight: -30, isUp: false)))
        #expect(harness.fire(.adver).sentAdverts.map(\.priority) == [70])
        #expect(harness.router.skewTime == Duration.seconds(186) / 256)
    }

    @Test("tracking: the owner's priority stays 255 whatever the weights")
    func ownerIgnoresWeights() {
        var harness = Harness(v3Config(priority: 255))
        harness.send(.startup)
        #expect(harness.send(.trackerChanged(TrackerStatus(name: "t", weight: -100, isUp: false))).isEmpty)
        #expect(harness.router.effectivePriority == 255)
        #expect(harness.send(.basePriorityChanged(10)).isEmpty)
    }

    @Test("a base priority change is clamped to 1...254 and reported")
    func basePriorityChange() {
        var harness = Harness(v3Config(priority: 100))
        #expect(harness.send(.basePriorityChanged(255)) == [.effectivePriorityChanged(from: 100, to: 254)])
        #expect(harness.send(.basePriorityChanged(0)) == [.effectivePriorityChanged(from: 254, to: 1)])
    }

    @Test("garp_master_delay: the addresses are announced again after the delay, unless mastership ended")
    func reannounce() {
        let config = v3Config(reannounce: .seconds(5))
        var harness = Harness(config)
        harness.startAsMaster()
        #expect(harness.fire(.reannounce).announced == [Fixture.vip])

        var yielding = Harness(config)
        yielding.startAsMaster()
        let actions = yielding.receive(peerAdvert(for: config, priority: 200), from: Fixture.higherPeer)
        #expect(actions.cancels(.reannounce))
        #expect(yielding.router.timerDeadlines[.reannounce] == nil)
    }
}
