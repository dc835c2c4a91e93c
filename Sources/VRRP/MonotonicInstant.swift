// The clock is the caller's: every event comes with the instant it happened, so a test drives the
// state machine with a virtual clock and the daemon with its monotonic one.

/// A point on a monotonic time line, as the duration since an arbitrary origin the caller picks
/// (the daemon: its start; a test: zero).
public struct MonotonicInstant: InstantProtocol, CustomStringConvertible {
    public var sinceOrigin: Duration

    public init(sinceOrigin: Duration) { self.sinceOrigin = sinceOrigin }

    public static let origin = MonotonicInstant(sinceOrigin: .zero)

    public func advanced(by duration: Duration) -> MonotonicInstant {
        MonotonicInstant(sinceOrigin: sinceOrigin + duration)
    }

    public func duration(to other: MonotonicInstant) -> Duration {
        other.sinceOrigin - sinceOrigin
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.sinceOrigin < rhs.sinceOrigin }

    public var description: String { "t+\(sinceOrigin)" }
}
