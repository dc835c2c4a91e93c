// What `xdpha status` shows of one virtual server's health: each real server's state as its
// checkers see it, quorum and the sorry server.
import HealthCheck

public struct ServiceHealthStatus: Codable, Sendable, Hashable {
    public struct Real: Codable, Sendable, Hashable {
        /// `[ip]:port`, as keepalived prints it.
        public var endpoint: String
        /// "up", "down" (out of the pool) or "inhibited" (down, kept at weight 0).
        public var state: String
        /// The weight the data path holds it at (0 when not up).
        public var weight: Int
        public var checkers: Int
    }

    public var name: String
    public var quorumUp: Bool
    public var sorryServerEngaged: Bool
    public var reals: [Real]

    init(_ health: VirtualServerHealth) {
        name = health.configuration.name
        quorumUp = health.quorumIsUp
        sorryServerEngaged = health.sorryServerEngaged
        reals = health.reals.map { real in
            Real(endpoint: "\(real.configuration.endpoint)",
                 state: real.isAlive ? "up" : real.inhibitOnFailure ? "inhibited" : "down",
                 weight: real.isAlive && !health.sorryServerEngaged ? real.effectiveWeight : 0,
                 checkers: real.checkers.count)
        }
    }
}
