// LVS rules: services and real servers listed twice, ports a service needs, address families of
// real and sorry servers, checkers that need a url or a track_file, groups that must exist.

enum LVSChecks {
    static func check(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        let groups = config.virtualServerGroups.map(\.name)
        let files = Set(config.trackFiles.map(\.name))
        var services: [String: SourceLocation?] = [:]
        for server in config.virtualServers {
            let identity = "\(server.service) \(server.protocol.rawValue)"
            if let previous = services[identity] {
                log.error("virtual_server \(server.service) (\(server.protocol.rawValue)) is defined more than once",
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
            break
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
