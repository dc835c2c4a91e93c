// LVS rules: services and real servers listed twice, ports a service needs, address families of
// real and sorry servers, checkers that need a url or a track_file, groups that must exist.

enum LVSChecks {
    static func check(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        let groups = config.virtualServerGroups.map(\.name)
        let files = Set(config.trackFiles.map(\.name))
        var services: [String: SourceLocation?] = [:]
        for server in config.virtualServers {
            let protocolName = server.protocol?.rawValue ?? "any protocol"
            let identity = "\(server.service) \(protocolName)"
            if let previous = services[identity] {
                log.error("virtual_server \(server.service) (\(protocolName)) is defined more than once",
                          at: server.source.declaration, notes: previous.map { [.note("first defined here", at: $0)] } ?? [])
            } else {
                services[identity] = server.source.declaration
            }
            checkService(server, groups: groups, log: &log)
            checkRealServers(server, trackFiles: files, allTrackFiles: config.trackFiles.map(\.name), log: &log)
        }
    }

    private static func checkService(_ server: VirtualServer, groups: [String], log: inout DiagnosticLog) {
        switch server.service.kind {
        case .address:
            if server.service.port == nil && server.persistenceTimeout == nil {
                log.error("virtual_server \(server.service) needs a port (only a persistent service may leave it out)",
                          at: server.source.declaration)
            }
        case .group:
            let name = server.service.group ?? ""
            if !groups.contains(name) {
                log.error("virtual_server group '\(name)' names no virtual_server_group\(ConfigValidator.hint(name, among: groups))",
                          at: server.source.declaration)
            }
        case .fwmark:
            if server.source.keywords["protocol"] != nil {
                log.warning("'protocol' is ignored for a fwmark virtual server (the mark selects the traffic)",
                            at: server.source["protocol"])
            }
            if server.haSuspend {
                log.warning("'ha_suspend' cannot be used with a fwmark virtual server and is ignored", at: server.source["ha_suspend"])
            }
            for real in server.realServers where real.port != nil {
                log.warning("the port of real_server \(real.address) is ignored: a fwmark virtual server keeps the packet's port",
                            at: real.source.declaration)
            }
        }
        if server.service.kind != .fwmark, server.source.keywords["protocol"] == nil {
            log.warning("virtual_server \(server.service) sets no 'protocol': keepalived then uses UDP, the kernel's default;"
                        + " write 'protocol TCP' for a TCP service", at: server.source.declaration)
        }
        if let sorry = server.sorryServer, let family = server.service.address?.family,
           sorry.address.family != family, server.forwardingMethod != .tun {
            log.error("sorry_server \(sorry.address) is \(sorry.address.family) but the virtual server is \(family)",
                      at: server.source["sorry_server"])
        }
        if server.realServers.isEmpty && server.sorryServer == nil {
            log.warning("virtual_server \(server.service) has no real_server", at: server.source.declaration)
        }
    }

    private static func checkRealServers(_ server: VirtualServer, trackFiles: Set<String>, allTrackFiles: [String],
                                         log: inout DiagnosticLog) {
        var seen: [String: SourceLocation?] = [:]
        let family = server.service.address?.family
        for real in server.realServers {
            let endpoint = ServiceAddress.endpoint(real.address, real.port).description
            if let previous = seen[endpoint] {
                log.error("real_server \(endpoint) is listed twice in virtual_server \(server.service)", at: real.source.declaration,
                          notes: previous.map { [.note("first listed here", at: $0)] } ?? [])
            } else {
                seen[endpoint] = real.source.declaration
            }
            if let family, real.address.family != family, real.forwardingMethod != .tun {
                log.error("real_server \(real.address) is \(real.address.family) but virtual_server \(server.service) is \(family)"
                          + " (only tunnelled real servers may differ)", at: real.source.declaration)
            }
            for checker in real.checkers {
                if let http = checker.http, http.urls.isEmpty {
                    log.error("'\(checker.type.rawValue)' needs at least one 'url { path ... }' block", at: checker.source.declaration)
                }
                if let file = checker.file, !file.trackFile.isEmpty, !trackFiles.contains(file.trackFile) {
                    log.error("FILE_CHECK track_file '\(file.trackFile)' names no track_file\(ConfigValidator.hint(file.trackFile, among: allTrackFiles))",
                              at: checker.source["track_file"])
                }
            }
        }
    }
}
