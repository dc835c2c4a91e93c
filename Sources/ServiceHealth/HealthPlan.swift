// The checkers' view of a keepalived configuration: one VirtualServerHealthConfiguration per
// virtual_server block, in the configuration's order, with every real server (a real without a
// checker is simply always alive, as in keepalived) and the pool options: quorum, hysteresis,
// quorum_up/quorum_down, sorry_server (+ sorry_server_inhibit), inhibit_on_failure, omega,
// notify_up/notify_down. Checker timing arrives already inherited (checker, then real, then
// virtual server, then keepalived's per-type default: Config's resolver), so it is written at the
// checker level and nothing is left for HealthCheck to inherit.
import Config
import HealthCheck

public struct HealthPlan: Sendable, Hashable {
    /// One per virtual server, `services[i]` for `config.virtualServers[i]`.
    public var services: [VirtualServerHealthConfiguration]
    /// `global_defs`' script_user and enable_script_security, for every script the checkers run.
    public var scriptPolicy: ScriptPolicy

    /// Plans every virtual server of `config`; throws with every checker it cannot express.
    public init(_ config: KeepalivedConfig) throws(HealthPlanError) {
        let names = VirtualServerNames.names(of: config.virtualServers)
        let trackFiles = Dictionary(config.trackFiles.map { ($0.name, $0) }) { first, _ in first }
        var problems: [String] = []
        var services: [VirtualServerHealthConfiguration] = []
        for (server, name) in zip(config.virtualServers, names) {
            var reals: [RealServerHealthConfiguration] = []
            for real in server.realServers {
                let endpoint = VirtualServerNames.endpoint(of: real)
                var checkers: [CheckerConfiguration] = []
                for checker in real.checkers {
                    let context = CheckerMapping.Context(server: server, real: real, global: config.global, trackFiles: trackFiles)
                    do {
                        checkers.append(try CheckerMapping.configuration(of: checker, context))
                    } catch {
                        problems.append("virtual_server \(name), real_server \(endpoint): \(checker.type.rawValue): \(error.reason)")
                    }
                }
                reals.append(RealServerHealthConfiguration(
                    endpoint: endpoint, weight: real.weight, inhibitOnFailure: real.inhibitOnFailure,
                    notifyUp: real.notifyUp.map(Self.command), notifyDown: real.notifyDown.map(Self.command),
                    checkers: checkers))
            }
            // A sorry server without a port takes the virtual server's, as real servers do.
            let sorry = server.sorryServer.map { Endpoint("\($0.address)", $0.port ?? server.service.port ?? 0) }
            services.append(VirtualServerHealthConfiguration(
                name: name, reals: reals, quorum: server.quorum, hysteresis: server.hysteresis,
                quorumUp: server.quorumUp.map(Self.command), quorumDown: server.quorumDown.map(Self.command),
                sorryServer: sorry, sorryServerInhibit: server.sorryServer?.inhibit ?? false, omega: server.omega,
                inhibitOnFailure: server.inhibitOnFailure))
        }
        guard problems.isEmpty else { throw HealthPlanError(problems: problems) }
        self.services = services
        let user = config.global.scriptUser
        scriptPolicy = ScriptPolicy(defaultUser: user?.user, defaultGroup: user?.group,
                                    enforceSecurity: config.global.enableScriptSecurity)
    }

    static func command(_ script: NotifyScript) -> ScriptCommand {
        ScriptCommand(script.command, user: script.user, group: script.group)
    }
}

/// Every checker the plan could not express, one line each.
public struct HealthPlanError: Error, Hashable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { "health checks: " + problems.joined(separator: "; ") }
}
