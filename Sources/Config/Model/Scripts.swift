// Scripts and FIFOs that keepalived runs or writes to on events, with the user to run them as.

/// `notify_master "/path/script arg" [user [group]]` and the like.
public struct NotifyScript: Codable, Sendable, Hashable {
    /// The command as written (quotes removed); keepalived splits it into arguments when it runs it.
    public var command: String
    public var user: String?
    public var group: String?

    public init(command: String, user: String? = nil, group: String? = nil) {
        self.command = command
        self.user = user
        self.group = group
    }
}

/// `script_user USER [GROUP]`, `user USER [GROUP]`.
public struct ScriptUser: Codable, Sendable, Hashable {
    public var user: String
    public var group: String?
}

/// The notify scripts of a VRRP instance or sync group.
public struct StateNotifications: Codable, Sendable, Hashable {
    public var master: NotifyScript?
    public var backup: NotifyScript?
    public var fault: NotifyScript?
    public var stop: NotifyScript?
    /// `notify`: run on every transition with GROUP|INSTANCE, name, state and priority appended.
    public var any: NotifyScript?
    public var masterReceivedLowerPriority: NotifyScript?
    public init() {}
}
