// Which data path serves each virtual_server: pure, so every rule is a unit test.
//
// - `xdp`: every service to XDP; what XDP cannot do is refused (ServiceMapping), as before IPVS.
// - `ipvs`: every service to the kernel's IPVS.
// - `auto`: a service goes to XDP when XDP can carry it out exactly as keepalived would have IPVS
//   do it (ServiceMapping accepts it alone) and its reals are reached through interfaces where
//   XDP steers, else to IPVS with the reasons (wlc, lc, NAT, fwmark..., or the interface XDP
//   could not attach to); everything goes to IPVS when XDP cannot be used on this host.
import Config

public enum DataPathMode: String, Sendable, CaseIterable, CustomStringConvertible {
    case auto
    case xdp
    case ipvs

    public var description: String { rawValue }
}

public struct DataPathSplit: Sendable {
    public enum Path: String, Sendable, Hashable, CustomStringConvertible {
        case xdp = "XDP"
        case ipvs = "IPVS"
        public var description: String { rawValue }
    }

    /// One virtual_server's path and why, as the log line says it.
    public struct Decision: Sendable, Hashable, CustomStringConvertible {
        public var subject: String
        public var path: Path
        public var reason: String
        /// Where the virtual_server was written.
        public var location: SourceLocation?
        public var description: String { "\(subject): \(path) (\(reason))" }
    }

    /// The configuration with only the virtual servers XDP serves (groups kept).
    public var xdp: KeepalivedConfig
    /// The configuration with only the virtual servers IPVS serves.
    public var ipvs: KeepalivedConfig
    public var decisions: [Decision]

    /// Splits `config` for `mode`; `xdpUnavailable` says why XDP cannot be used here at all, if
    /// so; `unusableInterfaces` (ifindex -> why) where XDP could not steer, and `interfacesOf` the
    /// interfaces through which a virtual server's reals are reached: in auto mode a service that
    /// needs one of those goes to IPVS.
    public static func split(_ config: KeepalivedConfig, mode: DataPathMode, xdpUnavailable: String? = nil,
                             unusableInterfaces: [UInt32: String] = [:],
                             interfacesOf: (VirtualServer) -> Set<UInt32> = { _ in [] }) -> DataPathSplit {
        var xdp = config, ipvs = config
        xdp.virtualServers = []
        ipvs.virtualServers = []
        var decisions: [Decision] = []
        for server in config.virtualServers {
            let subject = "virtual_server \(server.service)"
            let decision: Decision
            switch mode {
            case .xdp:
                decision = Decision(subject: subject, path: .xdp, reason: "--dataplane xdp")
            case .ipvs:
                decision = Decision(subject: subject, path: .ipvs, reason: "--dataplane ipvs")
            case .auto:
                if let xdpUnavailable {
                    decision = Decision(subject: subject, path: .ipvs, reason: "XDP cannot be used: \(xdpUnavailable)")
                } else if let reasons = xdpRefusal(server, in: config) {
                    decision = Decision(subject: subject, path: .ipvs, reason: reasons)
                } else if case let blocked = interfacesOf(server).sorted().compactMap({ unusableInterfaces[$0] }), !blocked.isEmpty {
                    decision = Decision(subject: subject, path: .ipvs, reason: blocked.joined(separator: "; "))
                } else {
                    decision = Decision(subject: subject, path: .xdp,
                                        reason: "scheduler \(server.scheduler), lb_kind \(server.forwardingMethod.rawValue)")
                }
            }
            var placed = decision
            placed.location = server.source.declaration
            decisions.append(placed)
            if decision.path == .xdp { xdp.virtualServers.append(server) } else { ipvs.virtualServers.append(server) }
        }
        return DataPathSplit(xdp: xdp, ipvs: ipvs, decisions: decisions)
    }

    /// Why the XDP path would refuse `server` on its own, nil when it serves it.
    private static func xdpRefusal(_ server: VirtualServer, in config: KeepalivedConfig) -> String? {
        var alone = config
        alone.virtualServers = [server]
        do {
            _ = try ServiceMapping.map(alone)
            return nil
        } catch {
            return error.problems.map(\.reason).joined(separator: "; ")
        }
    }
}
