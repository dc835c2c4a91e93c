// One VRRP virtual router (keepalived: one vrrp_instance): the RFC 5798 section 6.4 state machine
// with keepalived's Fault state, tracking weights, nopreempt and preempt_delay.
//
// It does no I/O and keeps no clock. The caller feeds it events, each with the instant it
// happened, and carries out the actions it returns, in order:
//
//     var router = try VirtualRouter(configuration: config)
//     for action in router.handle(.startup, at: clock.now) { perform(action) }
//     // later: a timer the router armed fires, an advert arrives, an interface goes down...
//     for action in router.handle(.timerFired(.masterDown), at: clock.now) { perform(action) }
//
// Timers: `.armTimer(t, deadline)` asks the caller to deliver `.timerFired(t)` at or after
// `deadline`, replacing any earlier arming of `t`; `.cancelTimer(t)` withdraws it. A firing that
// arrives for a timer no longer armed, or before its deadline, is ignored, so races between a
// firing and a re-arming are harmless.

public struct VirtualRouter: Sendable {
    public let configuration: VirtualRouterConfiguration
    public internal(set) var state: VRRPState = .initialize
    /// The configured priority, as changed by `.basePriorityChanged`.
    public internal(set) var basePriority: UInt8
    public internal(set) var trackers: [String: TrackerStatus] = [:]
    public internal(set) var interfaceIsUp = true
    /// Master_Adver_Interval: the interval of the current master, learned from its adverts in
    /// VRRPv3 (RFC 5798 6.4.2 (450)); always Advertisement_Interval in VRRPv2.
    public internal(set) var masterAdverInterval: Duration
    /// Deadlines of the timers armed now.
    public internal(set) var timerDeadlines: [VRRPTimer: MonotonicInstant] = [:]
    /// keepalived's preempt_delay: before this instant a backup does not preempt.
    public internal(set) var preemptAllowedAt: MonotonicInstant = .origin

    /// Actions of the event being handled.
    private var output: [VRRPAction] = []

    public init(configuration: VirtualRouterConfiguration) throws(VirtualRouterConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        basePriority = configuration.priority
        masterAdverInterval = configuration.advertisementInterval.duration
    }

    // MARK: RFC 5798 section 6.1 and 6.2 values

    /// Priority: what this router advertises (base moved by trackers; see EffectivePriority).
    public var effectivePriority: UInt8 {
        EffectivePriority.compute(base: basePriority, isAddressOwner: configuration.isAddressOwner,
                                  trackers: trackers.values)
    }

    /// Advertisement_Interval.
    public var advertisementInterval: Duration { configuration.advertisementInterval.duration }

    /// Skew_Time: v3 ((256 - Priority) * Master_Adver_Interval) / 256 (RFC 5798 6.1);
    /// v2 (256 - Priority) / 256 seconds (RFC 3768 6.1). Computed exactly, not in whole
    /// centiseconds, so higher priorities always time out strictly sooner.
    public var skewTime: Duration {
        let weight = 256 - Int(effectivePriority)
        switch configuration.version {
        case .v2: return Duration.seconds(weight) / 256
        case .v3: return masterAdverInterval * weight / 256
        }
    }

    /// Master_Down_Interval: 3 * Master_Adver_Interval + Skew_Time (v3);
    /// 3 * Advertisement_Interval + Skew_Time (v2).
    public var masterDownInterval: Duration {
        let interval = configuration.version == .v2 ? advertisementInterval : masterAdverInterval
        return interval * 3 + skewTime
    }

    /// Why the router must be in Fault now, or nil when nothing holds it there.
    var faultReason: TransitionReason? {
        if !interfaceIsUp { return .interfaceDown }
        let failed = trackers.values.filter(\.forcesFault).map(\.name).sorted()
        return failed.first.map { .trackerFault(name: $0) }
    }

    // MARK: Events

    /// Applies `event`, which happened at `now`, and returns what the caller must do, in order.
    public mutating func handle(_ event: VRRPEvent, at now: MonotonicInstant) -> [VRRPAction] {
        output = []
        switch event {
        case .startup:
            startup(at: now)
        case .shutdown:
            shutdown()
        case .timerFired(let timer):
            timerFired(timer, at: now)
        case .advertReceived(let advert, let source, let hopLimit):
            advertReceived(advert, source: source, hopLimit: hopLimit, at: now)
        case .interfaceUp:
            interfaceIsUp = true
            reconcileFault(at: now)
        case .interfaceDown:
            interfaceIsUp = false
            reconcileFault(at: now)
        case .trackerChanged(let status):
            changePriority { $0.trackers[status.name] = status }
            reconcileFault(at: now)
        case .basePriorityChanged(let priority):
            // The owner's 255 is what makes it the owner; nobody else may claim 255 or send 0.
            if !configuration.isAddressOwner {
                changePriority { $0.basePriority = min(254, max(1, priority)) }
            }
        }
        let actions = output
        output = []
        return actions
    }

    private mutating func timerFired(_ timer: VRRPTimer, at now: MonotonicInstant) {
        guard let deadline = timerDeadlines[timer], now >= deadline else { return }
        timerDeadlines[timer] = nil
        switch (timer, state) {
        case (.adver, .master):
            // RFC 5798 6.4.3 (680)-(690)
            emit(.sendAdvert(advert(priority: effectivePriority)))
            arm(.adver, after: advertisementInterval, now: now)
        case (.masterDown, .backup):
            // RFC 5798 6.4.2 (365)-(410)
            becomeMaster(at: now, reason: .masterDownTimerExpired)
        case (.reannounce, .master):
            announceAddresses()
        default:
            break  // Cancelled on every transition; nothing to do in another state.
        }
    }

    private mutating func changePriority(_ change: (inout VirtualRouter) -> Void) {
        let before = effectivePriority
        change(&self)
        let after = effectivePriority
        if after != before { emit(.effectivePriorityChanged(from: before, to: after)) }
    }

    // MARK: Helpers for the transitions

    mutating func emit(_ action: VRRPAction) { output.append(action) }

    mutating func arm(_ timer: VRRPTimer, after delay: Duration, now: MonotonicInstant) {
        let deadline = now.advanced(by: delay)
        timerDeadlines[timer] = deadline
        emit(.armTimer(timer, deadline: deadline))
    }

    mutating func cancel(_ timer: VRRPTimer) {
        guard timerDeadlines.removeValue(forKey: timer) != nil else { return }
        emit(.cancelTimer(timer))
    }

    /// Our advert, with `priority` (0 when stopping).
    public func advert(priority: UInt8) -> VRRPAdvert {
        VRRPAdvert(version: configuration.version, virtualRouterID: configuration.virtualRouterID,
                   priority: priority, interval: configuration.advertisementInterval,
                   addresses: configuration.virtualAddresses,
                   authentication: configuration.version == .v2 ? configuration.authentication : .none)
    }

    mutating func announceAddresses() {
        guard !configuration.virtualAddresses.isEmpty else { return }
        emit(.announceAddresses(configuration.virtualAddresses))
    }

    mutating func transition(to newState: VRRPState, reason: TransitionReason) {
        let oldState = state
        state = newState
        emit(.stateChanged(from: oldState, to: newState, reason: reason))
    }
}
