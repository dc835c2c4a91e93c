import Testing
@testable import HealthCheck

@Suite struct ScriptTrackerTests {
    @Test func fallConsecutiveFailuresThenRiseConsecutiveSuccesses() {
        var tracker = ScriptTracker(rise: 2, fall: 3, weight: -20)
        #expect(tracker.isUp && tracker.effect == .none)
        // Two failures, a success that breaks the streak, then three failures: down on the third.
        let changes = [false, false, true, false, false, false].map { tracker.record(success: $0) }
        #expect(changes == [false, false, false, false, false, true])
        #expect(!tracker.isUp && tracker.effect == .adjustPriority(-20))
        let rising = [true, true].map { tracker.record(success: $0) }
        #expect(rising == [false, true])
        #expect(tracker.isUp && tracker.effect == .none)
    }

    @Test func initFailStartsDown() {
        var tracker = ScriptTracker(rise: 1, fall: 1, initFail: true)
        #expect(!tracker.isUp && tracker.effect == .fault)
        let changed = tracker.record(success: true)
        #expect(changed && tracker.effect == .none)
    }

    @Test func weightAndReverseFollowKeepalivedsTable() {
        #expect(TrackerEffect.of(isUp: true, weight: 10, reverse: false) == .adjustPriority(10))
        #expect(TrackerEffect.of(isUp: false, weight: 10, reverse: false) == .none)
        #expect(TrackerEffect.of(isUp: true, weight: -10, reverse: false) == .none)
        #expect(TrackerEffect.of(isUp: false, weight: -10, reverse: false) == .adjustPriority(-10))
        #expect(TrackerEffect.of(isUp: true, weight: 10, reverse: true) == .adjustPriority(-10))
        #expect(TrackerEffect.of(isUp: false, weight: -10, reverse: true) == .adjustPriority(10))
        #expect(TrackerEffect.of(isUp: false, weight: 0, reverse: false) == .fault)
        #expect(TrackerEffect.of(isUp: true, weight: 0, reverse: true) == .fault)
    }

    @Test func trackedFileValues() {
        #expect(TrackerEffect.ofTrackedFile(value: 0, weight: 0, reverse: false) == .none)
        #expect(TrackerEffect.ofTrackedFile(value: 4, weight: 0, reverse: false) == .fault)
        #expect(TrackerEffect.ofTrackedFile(value: 4, weight: 5, reverse: false) == .adjustPriority(20))
        #expect(TrackerEffect.ofTrackedFile(value: 4, weight: 5, reverse: true) == .adjustPriority(-20))
        #expect(TrackerEffect.ofTrackedFile(value: -60, weight: 5, reverse: false) == .fault)
        #expect(TrackerEffect.ofTrackedFile(value: Int64.max, weight: -2, reverse: false) == .fault)
    }
}
