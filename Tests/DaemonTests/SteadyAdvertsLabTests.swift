// A master's adverts sent by the timer thread itself (SteadyAdverts): on time, the replaced bytes
// from the next advert on, and nothing at all once stopped (a priority-0 advert sent after the
// stop must be the last thing a backup hears).
@testable import Daemon
import Foundation
import NetLab
import Netlink
import Testing
import VRRPIO

@Suite("A master's steady adverts from the timer thread", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct SteadyAdvertsLabTests {
    /// VRRPv3-shaped bytes (version 3, type 1, VRID 51, one address) with the given priority.
    static func payload(priority: UInt8) -> [UInt8] { [0x31, 51, priority, 1, 0x00, 0x02, 0, 0, 203, 0, 113, 10] }

    @Test("Sent every interval; replaced bytes leave from the next advert on; after stop nothing more leaves")
    func paceReplaceStop() async throws {
        let hosts = try TwoHosts("steady")
        defer { hosts.lab.tearDown() }
        let aIndex = try hosts.a.ifindex("eth0")
        let bIndex = try hosts.b.ifindex("eth0")
        let receiver = try hosts.b.perform { try VRRPReceiver(family: .ipv4, ifindex: bIndex) }
        defer { receiver.close() }
        let recorder = EventRecorder(receiver.packets)
        let sender = try hosts.a.perform { try VRRPSender(family: .ipv4, ifindex: aIndex) }
        defer { sender.close() }
        let steady = SteadyAdverts(sender: sender, timerID: TimerScheduler.shared.makeID(), onError: { _, _ in })

        let interval = Duration.milliseconds(20)
        steady.replace([.init(payload: Self.payload(priority: 100), destination: nil, source: nil)], interval: interval)
        let started = ContinuousClock.now
        steady.start(at: MonotonicClock.now())
        try await Task.sleep(for: .milliseconds(300))
        steady.replace([.init(payload: Self.payload(priority: 50), destination: nil, source: nil)], interval: interval)
        try await Task.sleep(for: .milliseconds(200))
        steady.stop()
        let stopped = ContinuousClock.now
        let sentAtStop = steady.sentCount
        // The goodbye a runner sends after stopping the steady adverts.
        try sender.send(Self.payload(priority: 0))
        try await Task.sleep(for: .milliseconds(200))

        let packets = await recorder.seen
        let priorities = packets.map { $0.payload[2] }
        // One at the start, then one per interval at most (late on a loaded machine, never early).
        let most = Int((stopped - started) / interval) + 1
        #expect(priorities.count >= 10 && priorities.count - 1 <= most, "\(priorities.count - 1) adverts in \(stopped - started)")
        #expect(steady.sentCount == sentAtStop, "an advert left after stop()")
        #expect(priorities.last == 0, "the goodbye is the last advert: \(priorities.suffix(3))")
        let body = priorities.dropLast()
        #expect(body.first == 100)
        #expect(body.last == 50)
        // Once the new bytes leave, the old never come back.
        let firstNew = try #require(body.firstIndex(of: 50))
        #expect(body[firstNew...].allSatisfy { $0 == 50 })
        #expect(body.count == sentAtStop)
    }
}
