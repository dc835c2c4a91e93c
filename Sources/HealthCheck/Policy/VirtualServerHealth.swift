// The health of one virtual server as a pure state machine: checker outcomes in, events and
// scripts out, no clock and no I/O. It follows keepalived's check/ipwrapper rules:
// - a real is alive while none of its checkers is down;
// - its effective weight is the configured weight moved by dynamic checkers;
// - quorum is gained when the live weight reaches quorum + hysteresis and lost when it falls
//   below quorum - hysteresis (or to 0);
// - while quorum is lost a configured sorry server replaces the live reals.
public struct VirtualServerHealth: Sendable {
    public let configuration: VirtualServerHealthConfiguration
    public private(set) var reals: [RealServerState]
    public private(set) var quorumIsUp: Bool
    public private(set) var started = false

    public struct RealServerState: Sendable, Hashable {
        public let id: RealServerID
        public let configuration: RealServerHealthConfiguration
        public let inhibitOnFailure: Bool
        public internal(set) var checkers: [RetryPolicy]
        /// Each checker's last dynamic weight (nil: none given).
        public internal(set) var dynamicWeights: [DynamicWeight?]
        public internal(set) var isAlive: Bool

        /// The configured weight moved by the dynamic checkers, never below 0.
        public var effectiveWeight: Int {
            var weight = configuration.weight
            for dynamic in dynamicWeights {
                switch dynamic {
                case .set(let value)?: weight += value - configuration.weight
                case .add(let value)?: weight += value
                case nil: break
                }
            }
            return max(0, weight)
        }
    }

    public init(_ configuration: VirtualServerHealthConfiguration) {
        self.configuration = configuration
        self.reals = configuration.reals.map { real in
            let timings = real.checkers.map { checker in
                configuration.timing.overridden(by: real.timing).overridden(by: checker.timing)
                    .resolved(for: checker.kind)
            }
            let checkers = timings.map { RetryPolicy(timing: $0) }
            return RealServerState(
                id: RealServerID(virtualServer: configuration.name, endpoint: real.endpoint),
                configuration: real,
                inhibitOnFailure: real.inhibitOnFailure ?? configuration.inhibitOnFailure,
                checkers: checkers,
                dynamicWeights: Array(repeating: nil, count: checkers.count),
                isAlive: checkers.allSatisfy(\.isUp))
        }
        self.quorumIsUp = false
        self.quorumIsUp = liveWeight >= configuration.quorum + configuration.hysteresis
    }

    /// On reload: the reals whose checkers did not change (same endpoint, same checker
    /// configurations and timing) keep what their checkers knew (liveness, a retry under way,
    /// dynamic weights) instead of starting afresh; quorum then follows from the live weight with
    /// the previous quorum state as the hysteresis' starting point. Call before `start()`.
    public mutating func adopt(_ previous: VirtualServerHealth) {
        var known: [Endpoint: RealServerState] = [:]
        for real in previous.reals { known[real.configuration.endpoint] = real }
        for index in reals.indices {
            guard let old = known[reals[index].configuration.endpoint],
                  old.configuration.checkers == reals[index].configuration.checkers,
                  old.checkers.map(\.timing) == reals[index].checkers.map(\.timing) else { continue }
            reals[index].checkers = old.checkers
            reals[index].dynamicWeights = old.dynamicWeights
            reals[index].isAlive = old.checkers.allSatisfy(\.isUp)
        }
        let weight = liveWeight
        let quorum = configuration.quorum, hysteresis = configuration.hysteresis
        quorumIsUp = previous.quorumIsUp ? !(weight == 0 || weight < quorum - hysteresis) : weight >= quorum + hysteresis
    }

    /// Sum of the effective weights of live reals.
    public var liveWeight: Int {
        reals.reduce(0) { $0 + ($1.isAlive ? $1.effectiveWeight : 0) }
    }

    public var sorryServerEngaged: Bool { !quorumIsUp && configuration.sorryServer != nil }

    /// The pool the data path should hold now.
    public var pool: [PoolMember] {
        var members: [PoolMember] = []
        for real in reals {
            if real.isAlive && !sorryServerEngaged {
                members.append(PoolMember(endpoint: real.configuration.endpoint, weight: real.effectiveWeight))
            } else if !real.isAlive && real.inhibitOnFailure {
                members.append(PoolMember(endpoint: real.configuration.endpoint, weight: 0))
            }
        }
        if let sorry = configuration.sorryServer {
            if sorryServerEngaged {
                members.append(PoolMember(endpoint: sorry, weight: 1, isSorryServer: true))
            } else if configuration.sorryServerInhibit {
                members.append(PoolMember(endpoint: sorry, weight: 0, isSorryServer: true))
            }
        }
        return members
    }

    /// The initial state: live reals (all, unless alpha), and quorum lost if it is.
    public mutating func start() -> HealthChanges {
        started = true
        var changes = HealthChanges()
        for real in reals where real.isAlive {
            changes.events.append(.realServerUp(real.id, weight: real.effectiveWeight))
        }
        if !quorumIsUp {
            changes.events.append(.quorumLost(virtualServer: configuration.name, sorryServer: configuration.sorryServer))
            // keepalived runs quorum_down at start only when it has a sorry server to put in.
            if configuration.sorryServer != nil, let script = configuration.quorumDown {
                changes.scripts.append(script)
            }
        }
        changes.events.append(.poolChanged(virtualServer: configuration.name, pool: pool))
        return changes
    }

    /// Records the outcome of checker `checker` of real `real` (indices into the configuration).
    public mutating func record(real index: Int, checker: Int, _ outcome: CheckOutcome)
        -> (changes: HealthChanges, nextCheckAfter: Duration) {
        let weightBefore = reals[index].effectiveWeight
        let quorumBefore = quorumIsUp
        let step = reals[index].checkers[checker].record(outcome)
        if case .up(let dynamic?) = outcome { reals[index].dynamicWeights[checker] = dynamic }

        var changes = HealthChanges()
        let real = reals[index]
        let aliveNow = real.checkers.allSatisfy(\.isUp)
        if aliveNow != real.isAlive {
            reals[index].isAlive = aliveNow
            if aliveNow {
                changes.events.append(.realServerUp(real.id, weight: reals[index].effectiveWeight))
                if let script = real.configuration.notifyUp { changes.scripts.append(script) }
            } else {
                changes.events.append(.realServerDown(real.id, inhibited: real.inhibitOnFailure))
                if let script = real.configuration.notifyDown { changes.scripts.append(script) }
            }
            changes.append(updateQuorum())
        } else if step.firstVerdict && step.verdict == .becameDown && !aliveNow {
            // alpha: the real was never up; keepalived still reports the first "down" verdict.
            if let script = real.configuration.notifyDown { changes.scripts.append(script) }
        } else if reals[index].effectiveWeight != weightBefore {
            if aliveNow {
                changes.events.append(.realServerWeightChanged(real.id, weight: reals[index].effectiveWeight))
            }
            changes.append(updateQuorum())
        }
        // The pool depends only on each real's liveness and weight and on quorum; most checks
        // change none of them, and rebuilding the pool on every check would cost O(reals).
        if aliveNow != real.isAlive || reals[index].effectiveWeight != weightBefore || quorumIsUp != quorumBefore {
            changes.events.append(.poolChanged(virtualServer: configuration.name, pool: pool))
        }
        return (changes, step.nextCheckAfter)
    }

    /// Shutdown. With omega, the down notifiers of reals still up run, then quorum_down.
    public mutating func stop() -> HealthChanges {
        var changes = HealthChanges()
        guard configuration.omega else { return changes }
        for real in reals where real.isAlive {
            if let script = real.configuration.notifyDown { changes.scripts.append(script) }
        }
        if quorumIsUp, let script = configuration.quorumDown { changes.scripts.append(script) }
        return changes
    }

    private mutating func updateQuorum() -> HealthChanges {
        var changes = HealthChanges()
        let weight = liveWeight
        let name = configuration.name
        if !quorumIsUp && weight >= configuration.quorum + configuration.hysteresis {
            quorumIsUp = true
            changes.events.append(.quorumRegained(virtualServer: name))
            if let script = configuration.quorumUp { changes.scripts.append(script) }
        } else if quorumIsUp && (weight == 0 || weight < configuration.quorum - configuration.hysteresis) {
            quorumIsUp = false
            changes.events.append(.quorumLost(virtualServer: name, sorryServer: configuration.sorryServer))
            if let script = configuration.quorumDown { changes.scripts.append(script) }
        }
        return changes
    }
}
