// What one programming of the data path did: the services and reals written, which reals are
// resolved, where steering runs, and what the operator should know.
import Balancer
import BPF

public struct DRApplyReport: Sendable, CustomStringConvertible {
    public struct Real: Sendable, Hashable {
        public var service: ServiceKey
        public var server: RealServer
        public var link: RealLink
    }

    public struct Steering: Sendable, Hashable {
        public var interface: String
        public var ifindex: UInt32
        /// The mode XDP was attached in by this apply; nil when it was attached already.
        public var attachedMode: XDPMode?
    }

    public var services: [ServiceKey] = []
    public var reals: [Real] = []
    public var steering: [Steering] = []
    /// Accepted but not acted on, from the configuration.
    public var notes: [String] = []
    /// Things that keep traffic from being steered as configured (unresolved reals, a generic attach...).
    public var warnings: [String] = []

    public var unresolved: [Real] { reals.filter { $0.link.link == nil } }

    public var description: String {
        var lines: [String] = []
        let resolved = reals.count - unresolved.count
        lines.append("\(services.count) service\(services.count == 1 ? "" : "s"), \(reals.count) real"
                     + "\(reals.count == 1 ? "" : "s") (\(resolved) resolved)")
        for steering in self.steering {
            let mode = steering.attachedMode.map { "attached in \($0.rawValue) mode" } ?? "already attached"
            lines.append("steering on \(steering.interface) (ifindex \(steering.ifindex)): \(mode)")
        }
        for note in notes { lines.append("note: \(note)") }
        for warning in warnings { lines.append("warning: \(warning)") }
        return lines.joined(separator: "\n")
    }
}
