// What the checker tells the data path. Sendable values only; the order of events is the order
// in which the checker decided them.
public enum HealthEvent: Sendable, Hashable {
    /// The real server passes all its checkers; `weight` is its current effective weight.
    case realServerUp(RealServerID, weight: Int)
    /// A checker of the real server failed. `inhibited`: inhibit_on_failure is set, so the real
    /// stays in the pool at weight 0 instead of being removed.
    case realServerDown(RealServerID, inhibited: Bool)
    /// A live real's effective weight changed (misc_dynamic, FILE_CHECK weights).
    case realServerWeightChanged(RealServerID, weight: Int)
    /// The live weight fell below quorum - hysteresis. `sorryServer` is set when the sorry server
    /// now replaces the pool.
    case quorumLost(virtualServer: String, sorryServer: Endpoint?)
    /// The live weight reached quorum + hysteresis again; the sorry server (if any) is withdrawn.
    case quorumRegained(virtualServer: String)
    /// The complete desired pool after the changes above: what the data path should hold.
    case poolChanged(virtualServer: String, pool: [PoolMember])
}

/// One destination of a virtual server as the data path should hold it.
public struct PoolMember: Sendable, Hashable, CustomStringConvertible {
    public var endpoint: Endpoint
    /// 0 keeps existing connections but takes no new ones (inhibit_on_failure, sorry_server_inhibit).
    public var weight: Int
    public var isSorryServer: Bool

    public init(endpoint: Endpoint, weight: Int, isSorryServer: Bool = false) {
        self.endpoint = endpoint
        self.weight = weight
        self.isSorryServer = isSorryServer
    }

    public var description: String { "\(isSorryServer ? "sorry " : "")\(endpoint) w\(weight)" }
}

/// What one step of the policy asks for: events for the data path, scripts to run (notify_up,
/// notify_down, quorum_up, quorum_down) in order.
public struct HealthChanges: Sendable, Hashable {
    public var events: [HealthEvent] = []
    public var scripts: [ScriptCommand] = []

    public init(events: [HealthEvent] = [], scripts: [ScriptCommand] = []) {
        self.events = events
        self.scripts = scripts
    }

    public var isEmpty: Bool { events.isEmpty && scripts.isEmpty }

    mutating func append(_ other: HealthChanges) {
        events += other.events
        scripts += other.scripts
    }
}
