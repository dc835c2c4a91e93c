// `global_defs { ... }`: identity, notification, and defaults for every VRRP instance.

public struct GlobalDefinitions: Codable, Sendable, Hashable {
    /// Defaults to the host name at run time when not set.
    public var routerID: String?
    /// `vrrp_version`: 2 unless set; IPv6 instances always use 3.
    public var vrrpVersion = 2
    public var scriptUser: ScriptUser?
    public var enableScriptSecurity = false

    public var notificationEmail: [String] = []
    public var notificationEmailFrom: String?
    public var smtpServer: SMTPServer?
    public var smtpHeloName: String?
    public var smtpConnectTimeout = 30
    public var smtpAlert = false
    public var notifyFIFO: NotifyScript?
    public var notifyFIFOScript: NotifyScript?
    public var vrrpNotifyFIFO: NotifyScript?
    public var vrrpNotifyFIFOScript: NotifyScript?
    public var lvsNotifyFIFO: NotifyScript?
    public var lvsNotifyFIFOScript: NotifyScript?

    /// The global gratuitous ARP / unsolicited NA defaults (`vrrp_garp_*`).
    public var garp = GratuitousARPSettings()
    public var vrrpMinimumGARP = false
    public var vrrpMulticastGroup4 = IPAddress.vrrpGroup4
    public var vrrpMulticastGroup6 = IPAddress.vrrpGroup6
    public var vrrpStrict = false
    public var vrrpSkipCheckAdvertAddress = false
    public var vrrpCheckUnicastSource = false
    public var vrrpLowerPriorityNoAdvert = false
    public var vrrpHigherPrioritySendAdvert = false
    public var vrrpDownTimerAdverts = 3
    public var vrrpStartupDelay = 0.0
    /// Interface for addresses that name none when the instance has no interface either.
    public var defaultInterface = "eth0"
    public var dynamicInterfaces = false
    public var lvsFlush = false
    public var checkerLogAllFailures = false

    @Unencoded public var source = SourceMap()

    public init() {}
}

public struct SMTPServer: Codable, Sendable, Hashable {
    /// An IP address or a host name.
    public var host: String
    public var port = 25
}

/// Gratuitous ARP (IPv4) / unsolicited Neighbour Advertisement (IPv6) timing after becoming MASTER.
public struct GratuitousARPSettings: Codable, Sendable, Hashable {
    /// Seconds before the second burst after becoming MASTER; 0 for none.
    public var masterDelay = 5
    /// Messages per burst after becoming MASTER.
    public var masterRepeat = 5
    /// Defaults to `masterDelay`.
    public var lowerPriorityDelay = 5
    /// Defaults to `masterRepeat`.
    public var lowerPriorityRepeat = 5
    /// Seconds between refresh bursts while MASTER; 0 for no refresh.
    public var masterRefresh = 0
    public var masterRefreshRepeat = 1
    /// Seconds between messages on one interface.
    public var interval = 0.0
    public var naInterval = 0.0
    public init() {}
}

extension IPAddress {
    /// The IANA VRRP multicast groups (RFC 5798), keepalived's defaults.
    static let vrrpGroup4 = IPAddress(ipv4: [224, 0, 0, 18])
    static let vrrpGroup6 = IPAddress(ipv6: [0xFF, 0x02] + [UInt8](repeating: 0, count: 13) + [0x12])
}
