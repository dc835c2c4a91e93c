// keepalived's tracking: trackers (interfaces, scripts, files, processes) move the priority a
// virtual router advertises, or with weight 0 put it in the Fault state. The trackers themselves
// run elsewhere; they report here as TrackerStatus values.

/// The latest result of one tracker.
public struct TrackerStatus: Hashable, Sendable {
    /// Unique per virtual router (e.g. "script:chk_nginx", "interface:eth1").
    public var name: String
    /// keepalived semantics: positive weights are added while the tracker is up, negative ones
    /// added while it is down, and weight 0 means "down puts the virtual router in Fault".
    public var weight: Int
    public var isUp: Bool

    public init(name: String, weight: Int, isUp: Bool) {
        self.name = name
        self.weight = weight
        self.isUp = isUp
    }

    /// What this tracker adds to the base priority now.
    var priorityDelta: Int {
        // keepalived bounds weights to ±254; clamping here keeps any sum far from overflow.
        let bounded = min(254, max(-254, weight))
        if bounded > 0 && isUp { return bounded }
        if bounded < 0 && !isUp { return bounded }
        return 0
    }

    /// Whether this tracker holds the virtual router in Fault.
    var forcesFault: Bool { weight == 0 && !isUp }
}

enum EffectivePriority {
    /// The priority to advertise: the owner always 255 (weights do not move it, as in keepalived);
    /// anyone else base plus tracker deltas, clamped to 1...254 so a tracker can neither make a
    /// router claim ownership nor silence it with priority 0, which means "master stopping".
    static func compute(base: UInt8, isAddressOwner: Bool,
                        trackers: some Sequence<TrackerStatus>) -> UInt8 {
        if isAddressOwner { return 255 }
        let moved = trackers.reduce(Int(base)) { $0 + $1.priorityDelta }
        return UInt8(min(254, max(1, moved)))
    }
}
