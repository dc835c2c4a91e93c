// Checks that span blocks or need the resolved model: names that must exist or be unique, VRRP
// rules that depend on the protocol version, and LVS services and servers listed twice.

enum ConfigValidator {
    static func validate(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        checkUniqueNames(config, log: &log)
        checkGlobal(config.global, log: &log)
        VRRPChecks.check(config, log: &log)
        LVSChecks.check(config, log: &log)
    }

    private static func checkUniqueNames(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        func unique(_ kind: String, _ items: [(name: String, location: SourceLocation?)]) {
            var first: [String: SourceLocation?] = [:]
            for item in items {
                if let previous = first[item.name] {
                    log.error("\(kind) '\(item.name)' is defined more than once", at: item.location,
                              notes: previous.map { [.note("first defined here", at: $0)] } ?? [])
                } else {
                    first[item.name] = item.location
                }
            }
        }
        unique("vrrp_instance", config.vrrpInstances.map { ($0.name, $0.source.declaration) })
        unique("vrrp_script", config.vrrpScripts.map { ($0.name, $0.source.declaration) })
        unique("track_file", config.trackFiles.map { ($0.name, $0.source.declaration) })
        unique("vrrp_track_process", config.trackProcesses.map { ($0.name, $0.source.declaration) })
        unique("vrrp_sync_group", config.vrrpSyncGroups.map { ($0.name, $0.source.declaration) })
        unique("virtual_server_group", config.virtualServerGroups.map { ($0.name, $0.source.declaration) })
    }

    private static func checkGlobal(_ global: GlobalDefinitions, log: inout DiagnosticLog) {
        let group4 = global.vrrpMulticastGroup4
        if group4.family != .ipv4 || !group4.isMulticast {
            log.error("'vrrp_mcast_group4' must be an IPv4 multicast address; got \(group4)", at: global.source["vrrp_mcast_group4"])
        }
        let group6 = global.vrrpMulticastGroup6
        if group6.family != .ipv6 || !group6.isMulticast {
            log.error("'vrrp_mcast_group6' must be an IPv6 multicast address; got \(group6)", at: global.source["vrrp_mcast_group6"])
        }
    }

    /// "did you mean" for a name that should refer to something defined.
    static func hint(_ name: String, among names: [String]) -> String {
        Suggestions.closest(to: name, among: names).map { "; did you mean '\($0)'?" } ?? ""
    }
}
