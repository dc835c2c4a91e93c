// A script as keepalived.conf names it: a command line (run through /bin/sh, so quoting and
// arguments work as in keepalived) and an optional user/group to run it as.
public struct ScriptCommand: Sendable, Hashable {
    public var commandLine: String
    public var user: String?
    public var group: String?

    public init(_ commandLine: String, user: String? = nil, group: String? = nil) {
        self.commandLine = commandLine
        self.user = user
        self.group = group
    }

    /// The program the command line starts: its first word, without quotes. Script security
    /// checks this file and the directories above it.
    public var program: String {
        let trimmed = commandLine.drop { $0 == " " || $0 == "\t" }
        if let quote = trimmed.first, quote == "\"" || quote == "'" {
            return String(trimmed.dropFirst().prefix { $0 != quote })
        }
        return String(trimmed.prefix { $0 != " " && $0 != "\t" })
    }
}

/// Global script settings (keepalived's `global_defs`): who runs scripts and whether scripts
/// that a non-root user could change are refused.
public struct ScriptPolicy: Sendable, Hashable {
    /// `script_user [group]`: the default user for scripts that name none. nil = root.
    public var defaultUser: String?
    public var defaultGroup: String?
    /// `enable_script_security`.
    public var enforceSecurity: Bool

    public init(defaultUser: String? = nil, defaultGroup: String? = nil, enforceSecurity: Bool = false) {
        self.defaultUser = defaultUser
        self.defaultGroup = defaultGroup
        self.enforceSecurity = enforceSecurity
    }
}
