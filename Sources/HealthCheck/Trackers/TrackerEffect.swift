// What a VRRP tracker (vrrp_script, track_file) does to the instances that watch it
// (keepalived.conf(5), "VRRP script(s)" and "Track files"). Pure; the VRRP side applies it.
public enum TrackerEffect: Sendable, Hashable {
    /// No change to the priority.
    case none
    /// Add this to the configured priority (the result is limited to 1...254 by the instance).
    case adjustPriority(Int)
    /// The instance goes to FAULT.
    case fault

    /// keepalived's table for a tracker that is up or down with `weight` and `reverse`:
    /// weight 0 faults while down (while up with reverse); a positive weight adds while up; a
    /// negative weight subtracts while down; reverse swaps both the sign and the state.
    public static func of(isUp: Bool, weight: Int, reverse: Bool) -> TrackerEffect {
        if weight == 0 { return isUp != reverse ? .none : .fault }
        switch (weight > 0, reverse) {
        case (true, false): return isUp ? .adjustPriority(weight) : .none
        case (false, false): return isUp ? .none : .adjustPriority(weight)
        case (true, true): return isUp ? .adjustPriority(-weight) : .none
        case (false, true): return isUp ? .none : .adjustPriority(-weight)
        }
    }

    /// track_file for a VRRP instance: weight 0 faults on any non-zero value; otherwise value x
    /// weight (negated by reverse) adjusts the priority, and a result below -253 faults.
    public static func ofTrackedFile(value: Int64, weight: Int, reverse: Bool) -> TrackerEffect {
        if weight == 0 { return value == 0 ? .none : .fault }
        let (product, overflow) = value.multipliedReportingOverflow(by: Int64(weight) * (reverse ? -1 : 1))
        if overflow { return (value < 0) != ((weight < 0) != reverse) ? .fault : .adjustPriority(253) }
        if product < -253 { return .fault }
        return .adjustPriority(Int(min(product, 253)))
    }
}
