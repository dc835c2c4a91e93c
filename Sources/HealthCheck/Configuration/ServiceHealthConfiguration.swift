// What the health checker needs of one virtual server: its real servers with their checkers,
// and the options that decide the pool (quorum, hysteresis, sorry server, inhibit_on_failure).
public struct VirtualServerHealthConfiguration: Sendable, Hashable {
    /// How events name this virtual server (the lead's Config model picks it, e.g. "10.0.0.1:80/TCP").
    public var name: String
    public var reals: [RealServerHealthConfiguration]
    /// `quorum`: minimum total weight of live reals (default 1).
    public var quorum: Int
    /// `hysteresis`: gain needs quorum + hysteresis, loss happens below quorum - hysteresis.
    public var hysteresis: Int
    public var quorumUp: ScriptCommand?
    public var quorumDown: ScriptCommand?
    /// `sorry_server`: replaces the whole pool while quorum is lost.
    public var sorryServer: Endpoint?
    /// `sorry_server_inhibit`: keep the sorry server in the pool at weight 0 when not needed.
    public var sorryServerInhibit: Bool
    /// `omega`: on shutdown run the down notifiers of reals still up and the quorum_down script.
    public var omega: Bool
    /// Defaults for the reals' checkers (delay_loop, retry, alpha, ...).
    public var timing: CheckTiming
    /// Default for the reals' `inhibit_on_failure`.
    public var inhibitOnFailure: Bool

    public init(name: String, reals: [RealServerHealthConfiguration], quorum: Int = 1, hysteresis: Int = 0,
                quorumUp: ScriptCommand? = nil, quorumDown: ScriptCommand? = nil,
                sorryServer: Endpoint? = nil, sorryServerInhibit: Bool = false, omega: Bool = false,
                timing: CheckTiming = CheckTiming(), inhibitOnFailure: Bool = false) {
        self.name = name
        self.reals = reals
        self.quorum = quorum
        self.hysteresis = hysteresis
        self.quorumUp = quorumUp
        self.quorumDown = quorumDown
        self.sorryServer = sorryServer
        self.sorryServerInhibit = sorryServerInhibit
        self.omega = omega
        self.timing = timing
        self.inhibitOnFailure = inhibitOnFailure
    }
}

public struct RealServerHealthConfiguration: Sendable, Hashable {
    public var endpoint: Endpoint
    /// `weight` (default 1).
    public var weight: Int
    /// `inhibit_on_failure`: nil inherits the virtual server's setting.
    public var inhibitOnFailure: Bool?
    public var notifyUp: ScriptCommand?
    public var notifyDown: ScriptCommand?
    /// Timing defaults for this real's checkers, over the virtual server's.
    public var timing: CheckTiming
    public var checkers: [CheckerConfiguration]

    public init(endpoint: Endpoint, weight: Int = 1, inhibitOnFailure: Bool? = nil,
                notifyUp: ScriptCommand? = nil, notifyDown: ScriptCommand? = nil,
                timing: CheckTiming = CheckTiming(), checkers: [CheckerConfiguration]) {
        self.endpoint = endpoint
        self.weight = weight
        self.inhibitOnFailure = inhibitOnFailure
        self.notifyUp = notifyUp
        self.notifyDown = notifyDown
        self.timing = timing
        self.checkers = checkers
    }
}
