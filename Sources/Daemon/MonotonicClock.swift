// The daemon's clock: CLOCK_MONOTONIC, the clock bpf_ktime_get_ns() reads, so that the XDP
// stage's advert timestamps and the state machine's deadlines are on one time line.
import Foundation
import VRRP

enum MonotonicClock {
    static func now() -> MonotonicInstant {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return MonotonicInstant(sinceOrigin: .seconds(ts.tv_sec) + .nanoseconds(ts.tv_nsec))
    }

    static func instant(nanoseconds: UInt64) -> MonotonicInstant {
        MonotonicInstant(sinceOrigin: .nanoseconds(Int64(clamping: nanoseconds)))
    }

    /// Sleeps until `deadline`; returns early only when the task is cancelled.
    static func sleep(until deadline: MonotonicInstant) async throws {
        let delay = now().duration(to: deadline)
        if delay > .zero { try await Task.sleep(for: delay) }
    }
}
