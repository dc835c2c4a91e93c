// vrrp_script's rise/fall rule: the tracker turns down after `fall` consecutive failed runs and
// up again after `rise` consecutive good ones (a run past `timeout` is a failure). It starts up,
// or down with init_fail. Pure: the runner feeds each run's result.
public struct ScriptTracker: Sendable, Hashable {
    public let rise: Int
    public let fall: Int
    public let weight: Int
    public let reverse: Bool
    public private(set) var isUp: Bool
    /// Consecutive results against the current state.
    public private(set) var streak = 0

    public init(rise: Int = 1, fall: Int = 1, weight: Int = 0, reverse: Bool = false, initFail: Bool = false) {
        self.rise = max(1, rise)
        self.fall = max(1, fall)
        self.weight = weight
        self.reverse = reverse
        self.isUp = !initFail
    }

    /// Records one run (exit code 0 = success); returns true when the tracker changed state.
    @discardableResult
    public mutating func record(success: Bool) -> Bool {
        guard success != isUp else {
            streak = 0
            return false
        }
        streak += 1
        guard streak >= (success ? rise : fall) else { return false }
        isUp = success
        streak = 0
        return true
    }

    public var effect: TrackerEffect { .of(isUp: isUp, weight: weight, reverse: reverse) }
}
