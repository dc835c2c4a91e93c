// The kernel's Master_Down_Timer (a bpf_timer in the VRID's value, restarted lazily: adverts
// stamp a time, the timer sleeps on for what is left when it fires) and the stage's copy of the
// configuration, which must follow every write the control plane makes.
@testable import BPF
import NetLab
import Testing

@Suite("VRRP reception: Master_Down_Timer in the kernel", .enabled(if: Lab.unavailableReason == nil), .serialized)
struct VRRPRxTimerTests {
    static let interval = Duration.milliseconds(150)

    static func backup(localPriority: UInt8 = 100, preempt: Bool = true) -> VRRPReceptionConfig {
        VRRPReceptionConfig(masterDownTimer: .init(interval: interval, localPriority: localPriority, preempt: preempt))
    }

    /// Waits up to `limit` for a master-down event; returns when it came.
    static func masterDown(_ harness: VRRPRxHarness, within limit: Duration) async throws -> ContinuousClock.Instant? {
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            if try await harness.events().contains(where: { $0.reasons.contains(.masterDown) }) { return .now }
            try await Task.sleep(for: .milliseconds(5))
        }
        return nil
    }

    @Test("Without adverts the timer wakes the control plane once Master_Down_Interval has passed")
    func expires() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness([(key, Self.backup())])
        let start = ContinuousClock.now
        _ = try await harness.run(VRRPAdvertFrame())
        _ = try await harness.events()   // the new master's wakeup
        let fired = try #require(try await Self.masterDown(harness, within: .seconds(2)))
        #expect(fired - start >= Self.interval)
    }

    @Test("Adverts that restart the timer keep it from firing; it fires an interval after the last")
    func advertsRestart() async throws {
        let key = VRRPRxHarness.v4(51)
        let harness = try await VRRPRxHarness([(key, Self.backup())])
        var last = ContinuousClock.now
        for _ in 0..<8 {
            _ = try await harness.run(VRRPAdvertFrame())
            last = .now
            #expect(try await harness.events().allSatisfy { !$0.reasons.contains(.masterDown) })
            try await Task.sleep(for: .milliseconds(50))
        }
        let fired = try #require(try await Self.masterDown(harness, within: .seconds(2)))
        #expect(fired - last >= Self.interval)
    }

    @Test("A rewritten configuration is obeyed at the next advert: in preempt mode a lower priority no longer restarts the timer")
    func reconfiguration() async throws {
        let key = VRRPRxHarness.v4(51)
        // Not in preempt mode: the advert (priority 100, below our 150) arms the timer.
        let harness = try await VRRPRxHarness([(key, Self.backup(localPriority: 150, preempt: false))])
        _ = try await harness.run(VRRPAdvertFrame())
        _ = try await harness.events()
        let armed = ContinuousClock.now
        // Preempt mode now (preempt_delay over): the same adverts keep coming but restart nothing.
        try await harness.program.configureVRRP(key, Self.backup(localPriority: 150, preempt: true))
        var fired: ContinuousClock.Instant?
        while fired == nil && ContinuousClock.now - armed < .seconds(2) {
            _ = try await harness.run(VRRPAdvertFrame())
            if try await harness.events().contains(where: { $0.reasons.contains(.masterDown) }) { fired = .now }
            try await Task.sleep(for: .milliseconds(20))
        }
        let firedAt = try #require(fired, "the timer never fired although no advert restarted it")
        #expect(firedAt - armed >= Self.interval - .milliseconds(20))

        // Not marked backup any more: adverts arm nothing.
        try await harness.program.configureVRRP(key, VRRPReceptionConfig())
        _ = try await harness.run(VRRPAdvertFrame())
        #expect(try await Self.masterDown(harness, within: .milliseconds(400)) == nil)
    }
}
