// Checks against the machine the configuration is checked on, through an injected question.

enum HostChecks {
    static func checkInterfaces(_ config: KeepalivedConfig, exists: (String) -> Bool, log: inout DiagnosticLog) {
        var answers: [String: Bool] = [:]
        var reported = Set<SourceLocation>()
        for reference in config.interfaceReferences {
            let present = answers[reference.name] ?? exists(reference.name)
            answers[reference.name] = present
            guard !present else { continue }
            if let location = reference.location, !reported.insert(location).inserted { continue }
            log.warning("interface '\(reference.name)' does not exist on this host", at: reference.location)
        }
    }
}
