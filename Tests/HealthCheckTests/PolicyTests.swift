import Testing
@testable import HealthCheck

// keepalived's rules for one real server, on a virtual clock.
@Suite struct RetryAndRecoveryTests {
    let timing = CheckTiming(delayLoop: .seconds(10), retry: 2, delayBeforeRetry: .seconds(1))

    @Test func realGoesDownAfterRetryPlusOneConsecutiveFailures() {
        var sim = Simulation(VirtualServerHealthConfiguration(name: "vs", reals: [tcpReal("192.0.2.10")], timing: timing))
        // Healthy until 25 s: checks at 0, 10, 20; fails from 30: checks at 30, 31 (retry), 32 (retry).
        sim.run(until: .seconds(60)) { _, _, t in t < .seconds(25) ? .up() : .down("refused") }
        #expect(sim.firstTime(of: \.isDown) == .seconds(32))
        #expect(sim.transitions.filter { $0.event.isDown }.count == 1)
    }

    @Test func failuresThatDoNotReachTheRetryCountKeepTheRealUp() {
        var sim = Simulation(VirtualServerHealthConfiguration(name: "vs", reals: [tcpReal("192.0.2.10")], timing: timing))
        // Fails at 10 and 11, answers at 12: two failures < retry + 1.
        sim.run(until: .seconds(60)) { _, _, t in (t == .seconds(10) || t == .seconds(11)) ? .down("x") : .up() }
        #expect(sim.firstTime(of: \.isDown) == nil)
    }

    @Test func realComesBackAfterOneSuccess() {
        var sim = Simulation(VirtualServerHealthConfiguration(name: "vs", reals: [tcpReal("192.0.2.10")], timing: timing))
        // Down at 32 (as above); while down, keepalived still spaces failed checks by the retry
        // rule: 42, 43, 44 (retries), then 54... The server is back at 50: the check at 54 succeeds.
        sim.run(until: .seconds(100)) { _, _, t in (t >= .seconds(25) && t < .seconds(50)) ? .down("x") : .up() }
        #expect(sim.firstTime(of: \.isDown) == .seconds(32))
        let ups = sim.log.filter { $0.event.isUp }.map(\.time)
        #expect(ups == [.zero, .seconds(54)])
    }

    @Test func retryZeroMeansTheFirstFailureCounts() {
        let noRetry = CheckTiming(delayLoop: .seconds(5), retry: 0)
        var sim = Simulation(VirtualServerHealthConfiguration(name: "vs", reals: [tcpReal("192.0.2.10")], timing: noRetry))
        sim.run(until: .seconds(20)) { _, _, t in t >= .seconds(10) ? .down("x") : .up() }
        #expect(sim.firstTime(of: \.isDown) == .seconds(10))
    }

    @Test func alphaStartsDownAndComesUpOnTheFirstSuccess() {
        let alpha = CheckTiming(delayLoop: .seconds(10), retry: 2, alpha: true)
        var sim = Simulation(VirtualServerHealthConfiguration(name: "vs", reals: [tcpReal("192.0.2.10")], timing: alpha),
                             firstChecksAt: .seconds(3))
        #expect(sim.health.reals[0].isAlive == false)
        #expect(sim.log.contains { $0.event.isQuorumLost })
        #expect(!sim.log.contains { $0.event.isUp })
        sim.run(until: .seconds(5)) { _, _, _ in .up() }
        #expect(sim.firstTime(of: \.isUp) == .seconds(3))
        #expect(sim.firstTime(of: \.isQuorumRegained) == .seconds(3))
    }

    @Test func withoutAlphaARealStartsUpBeforeAnyCheck() {
        let sim = Simulation(VirtualServerHealthConfiguration(name: "vs", reals: [tcpReal("192.0.2.10", weight: 3)]))
        #expect(sim.log.first?.event == .realServerUp(RealServerID(virtualServer: "vs", endpoint: Endpoint("192.0.2.10", 80)), weight: 3))
        #expect(sim.health.pool == [PoolMember(endpoint: Endpoint("192.0.2.10", 80), weight: 3)])
    }

    @Test func aRealWithTwoCheckersIsDownWhileEitherFails() {
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [tcpReal("192.0.2.10", checkers: 2)], timing: CheckTiming(delayLoop: .seconds(1), retry: 0)))
        // Checker 1 fails between 3 s and 6 s; checker 0 always answers.
        sim.run(until: .seconds(10)) { _, checker, t in checker == 1 && t >= .seconds(3) && t < .seconds(6) ? .down("x") : .up() }
        let realEvents = sim.transitions.filter { $0.event.isUp || $0.event.isDown }
        #expect(realEvents.map(\.time) == [.zero, .seconds(3), .seconds(6)])
    }

    @Test func notifyScriptsRunOnTransitions() {
        let up = ScriptCommand("/etc/keepalived/up.sh"), down = ScriptCommand("/etc/keepalived/down.sh arg")
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [tcpReal("192.0.2.10", notifyUp: up, notifyDown: down)],
            timing: CheckTiming(delayLoop: .seconds(1), retry: 0)))
        sim.run(until: .seconds(5)) { _, _, t in t == .seconds(2) ? .down("x") : .up() }
        #expect(sim.scripts.map(\.script) == [down, up])
        #expect(sim.scripts.map(\.time) == [.seconds(2), .seconds(3)])
    }

    @Test func alphaRunsNotifyDownOnTheFirstFailedVerdict() {
        let down = ScriptCommand("/bin/down")
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [tcpReal("192.0.2.10", notifyDown: down)],
            timing: CheckTiming(delayLoop: .seconds(1), retry: 1, alpha: true)))
        sim.run(until: .seconds(5)) { _, _, _ in .down("x") }
        #expect(sim.scripts.map(\.script) == [down])
        #expect(!sim.log.contains { $0.event.isDown })
    }
}

@Suite struct InhibitOnFailureTests {
    @Test func aFailedRealStaysInThePoolWithWeightZero() {
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [tcpReal("192.0.2.10", weight: 5), tcpReal("192.0.2.11", weight: 2)],
            timing: CheckTiming(delayLoop: .seconds(1), retry: 0), inhibitOnFailure: true))
        sim.run(until: .seconds(2)) { real, _, t in real == 0 && t >= .seconds(1) ? .down("x") : .up() }
        let id = RealServerID(virtualServer: "vs", endpoint: Endpoint("192.0.2.10", 80))
        #expect(sim.log.contains { $0.event == .realServerDown(id, inhibited: true) })
        #expect(sim.health.pool == [PoolMember(endpoint: Endpoint("192.0.2.10", 80), weight: 0),
                                    PoolMember(endpoint: Endpoint("192.0.2.11", 80), weight: 2)])
    }

    @Test func withoutInhibitAFailedRealLeavesThePool() {
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [tcpReal("192.0.2.10", weight: 5), tcpReal("192.0.2.11", weight: 2, inhibit: false)],
            timing: CheckTiming(delayLoop: .seconds(1), retry: 0), inhibitOnFailure: true))
        sim.run(until: .seconds(2)) { real, _, t in real == 1 && t >= .seconds(1) ? .down("x") : .up() }
        #expect(sim.health.pool == [PoolMember(endpoint: Endpoint("192.0.2.10", 80), weight: 5)])
    }
}

@Suite struct QuorumTests {
    func fourReals(quorum: Int, hysteresis: Int, sorry: Endpoint? = nil) -> VirtualServerHealthConfiguration {
        VirtualServerHealthConfiguration(
            name: "vs", reals: (10..<14).map { tcpReal("192.0.2.\($0)") }, quorum: quorum, hysteresis: hysteresis,
            quorumUp: ScriptCommand("/bin/qup"), quorumDown: ScriptCommand("/bin/qdown"), sorryServer: sorry,
            timing: CheckTiming(delayLoop: .seconds(1), retry: 0))
    }

    @Test func hysteresisDelaysLossAndRegain() {
        var sim = Simulation(fourReals(quorum: 3, hysteresis: 1))
        #expect(sim.health.quorumIsUp)
        // One real fails per second from t=1 (reals 0, 1, 2), then they return one per second from t=10.
        sim.run(until: .seconds(20)) { real, _, t in
            let failsAt = Duration.seconds(1 + real), returnsAt = Duration.seconds(10 + real)
            return real < 3 && t >= failsAt && t < returnsAt ? .down("x") : .up()
        }
        // Live weight 4 -> 3 -> 2 -> 1: lost only below quorum - hysteresis = 2, i.e. at weight 1 (t=3).
        #expect(sim.firstTime(of: \.isQuorumLost) == .seconds(3))
        // 1 -> 2 -> 3 -> 4: regained only at quorum + hysteresis = 4 (t=12).
        #expect(sim.firstTime(of: \.isQuorumRegained) == .seconds(12))
        #expect(sim.scripts.map(\.script.commandLine) == ["/bin/qdown", "/bin/qup"])
    }

    @Test func quorumIsLostWhenNoWeightIsLeftEvenWithLargeHysteresis() {
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [tcpReal("192.0.2.10")], quorum: 1, hysteresis: 5,
            timing: CheckTiming(delayLoop: .seconds(1), retry: 0)))
        // Starting weight 1 < quorum + hysteresis 6: keepalived starts with quorum down.
        #expect(!sim.health.quorumIsUp)
        sim.run(until: .seconds(3)) { _, _, _ in .up() }
        #expect(!sim.health.quorumIsUp)
    }

    @Test func sorryServerReplacesThePoolWhileQuorumIsLost() {
        let sorry = Endpoint("198.51.100.9", 80)
        var sim = Simulation(fourReals(quorum: 2, hysteresis: 0, sorry: sorry))
        sim.run(until: .seconds(5)) { real, _, t in real != 3 && t >= .seconds(2) ? .down("x") : .up() }
        #expect(sim.log.contains { $0.event == .quorumLost(virtualServer: "vs", sorryServer: sorry) })
        // Real 3 is still alive, but the sorry server replaces the whole pool.
        #expect(sim.health.pool == [PoolMember(endpoint: sorry, weight: 1, isSorryServer: true)])
        sim.run(until: .seconds(8)) { _, _, _ in .up() }
        #expect(sim.health.quorumIsUp)
        #expect(sim.health.pool.count == 4 && !sim.health.pool.contains { $0.isSorryServer })
    }

    @Test func sorryServerInhibitKeepsItAtWeightZeroWhenNotNeeded() {
        var configuration = fourReals(quorum: 1, hysteresis: 0, sorry: Endpoint("198.51.100.9", 80))
        configuration.sorryServerInhibit = true
        let health = VirtualServerHealth(configuration)
        #expect(health.pool.last == PoolMember(endpoint: Endpoint("198.51.100.9", 80), weight: 0, isSorryServer: true))
    }

    @Test func alphaWithASorryServerStartsWithTheSorryServer() {
        var configuration = fourReals(quorum: 1, hysteresis: 0, sorry: Endpoint("198.51.100.9", 80))
        configuration.timing.alpha = true
        let sim = Simulation(configuration)
        #expect(sim.health.pool == [PoolMember(endpoint: Endpoint("198.51.100.9", 80), weight: 1, isSorryServer: true)])
        #expect(sim.scripts.map(\.script.commandLine) == ["/bin/qdown"])
    }

    @Test func omegaRunsDownNotifiersAtShutdown() {
        var configuration = fourReals(quorum: 1, hysteresis: 0)
        configuration.omega = true
        configuration.reals[0].notifyDown = ScriptCommand("/bin/rsdown")
        var health = VirtualServerHealth(configuration)
        _ = health.start()
        #expect(health.stop().scripts.map(\.commandLine) == ["/bin/rsdown", "/bin/qdown"])
        configuration.omega = false
        var quiet = VirtualServerHealth(configuration)
        #expect(quiet.stop().isEmpty)
    }
}

@Suite struct DynamicWeightTests {
    func miscReal(weight: Int) -> RealServerHealthConfiguration {
        RealServerHealthConfiguration(endpoint: Endpoint("192.0.2.10", 80), weight: weight,
                                      checkers: [CheckerConfiguration(.misc(MiscCheckOptions(script: ScriptCommand("/bin/true"), dynamic: true)))])
    }

    @Test func miscDynamicSetsTheWeightAndCanCrossQuorum() {
        var sim = Simulation(VirtualServerHealthConfiguration(
            name: "vs", reals: [miscReal(weight: 10)], quorum: 5, timing: CheckTiming(delayLoop: .seconds(1))))
        // Exit codes 12 (weight 10), then 5 (weight 3: below quorum 5), then 9 (weight 7).
        sim.run(until: .seconds(3)) { _, _, t in
            t < .seconds(1) ? .up(.set(10)) : t < .seconds(2) ? .up(.set(3)) : .up(.set(7))
        }
        let id = RealServerID(virtualServer: "vs", endpoint: Endpoint("192.0.2.10", 80))
        #expect(sim.transitions.map(\.event) == [
            .realServerUp(id, weight: 10),
            .realServerWeightChanged(id, weight: 3), .quorumLost(virtualServer: "vs", sorryServer: nil),
            .realServerWeightChanged(id, weight: 7), .quorumRegained(virtualServer: "vs"),
        ])
    }

    @Test func fileWeightsAddToTheConfiguredWeightAndNeverGoBelowZero() {
        var state = VirtualServerHealth(VirtualServerHealthConfiguration(name: "vs", reals: [
            RealServerHealthConfiguration(endpoint: Endpoint("192.0.2.10", 80), weight: 4,
                                          checkers: [CheckerConfiguration(.file(FileCheckOptions(path: "/x", weight: 2)))])]))
        _ = state.start()
        _ = state.record(real: 0, checker: 0, .up(.add(6)))
        #expect(state.reals[0].effectiveWeight == 10)
        _ = state.record(real: 0, checker: 0, .up(.add(-20)))
        #expect(state.reals[0].effectiveWeight == 0)
        #expect(state.reals[0].isAlive)
    }
}

@Suite struct TimingDefaultsTests {
    @Test func keepalivedDefaultsPerCheckerKind() {
        let none = CheckTiming()
        #expect(none.resolved(for: .tcp) == ResolvedTiming(delayLoop: .seconds(60), connectTimeout: .seconds(5), retry: 1,
                                                           delayBeforeRetry: .seconds(1), warmup: .seconds(60), alpha: false))
        #expect(none.resolved(for: .dns(DNSCheckOptions())).retry == 3)
        #expect(CheckTiming(delayLoop: .seconds(7)).resolved(for: .dns(DNSCheckOptions())).delayBeforeRetry == .seconds(7))
        #expect(none.resolved(for: .misc(MiscCheckOptions(script: ScriptCommand("x")))).retry == 0)
        #expect(none.resolved(for: .http(HTTPCheckOptions(urls: []))).delayBeforeRetry == .seconds(3))
    }

    @Test func innerSettingsOverrideOuterOnes() {
        let vs = CheckTiming(delayLoop: .seconds(6), retry: 4)
        let rs = CheckTiming(retry: 2, alpha: true)
        let checker = CheckTiming(connectTimeout: .seconds(1))
        let merged = vs.overridden(by: rs).overridden(by: checker)
        #expect(merged == CheckTiming(delayLoop: .seconds(6), connectTimeout: .seconds(1), retry: 2, alpha: true))
    }

    @Test func warmupDelaysTheFirstCheckByAtMostWarmup() {
        var rng = SystemRandomNumberGenerator()
        let timing = CheckTiming(delayLoop: .seconds(10), warmup: .seconds(2)).resolved(for: .tcp)
        let delays = (0..<200).map { _ in Warmup.initialDelay(timing, using: &rng) }
        #expect(delays.allSatisfy { $0 >= .zero && $0 <= .seconds(2) })
        #expect(Set(delays).count > 100)
        let off = CheckTiming(warmup: .zero).resolved(for: .tcp)
        #expect(Warmup.initialDelay(off, using: &rng) == .zero)
    }
}
