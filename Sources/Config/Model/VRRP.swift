// VRRP: scripts that trackers run, tracked files, instances and sync groups.

public struct VRRPScript: Codable, Sendable, Hashable {
    public var name: String
    public var script = ""
    public var interval = 1.0
    /// Seconds before a run counts as failed; defaults to `interval`.
    public var timeout = 1.0
    /// Priority change when the script's state changes; 0 means failure puts trackers in FAULT.
    public var weight = 0
    public var reverse = false
    public var rise = 1
    public var fall = 1
    public var user: ScriptUser?
    public var initFail = false
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }
}

/// `track_file NAME { file PATH; weight N [reverse]; init_file [VALUE] [overwrite] }`.
public struct TrackFile: Codable, Sendable, Hashable {
    public var name: String
    public var file = ""
    public var weight = 1
    public var reverse = false
    public var initialValue: Int?
    public var overwrite = false
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }
}

/// `vrrp_track_process NAME { process NAME [ARGS...]; param_match; weight N [reverse]; quorum;
/// quorum_max; delay / fork_delay / terminate_delay; full_command }`: up while the number of
/// matching processes is within quorum...quorum_max.
public struct TrackProcess: Codable, Sendable, Hashable {
    public enum ParameterMatch: String, Codable, Sendable { case exact, initial, partial }

    public var name: String
    /// The process name (its `comm`, or argv[0] with `full_command`).
    public var process = ""
    /// Arguments to match when given (after argv[0]).
    public var parameters: [String] = []
    public var parameterMatch = ParameterMatch.exact
    public var weight = 0
    public var reverse = false
    public var quorum = 1
    public var quorumMax: Int?
    /// Seconds a rising count must last before the tracker goes up (fork_delay).
    public var forkDelay = 0.0
    /// Seconds a falling count must last before the tracker goes down (terminate_delay).
    public var terminateDelay = 0.0
    public var fullCommand = false
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }
}

/// One entry of `track_interface`, `track_script` or `track_file`: a name with an optional weight.
public struct Tracker: Codable, Sendable, Hashable {
    public var name: String
    /// Nil: the tracked object's own weight (0 for interfaces: down means FAULT).
    public var weight: Int?
    public var reverse = false
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }
}

public struct VRRPInstance: Codable, Sendable, Hashable {
    public enum InitialState: String, Codable, Sendable { case master = "MASTER", backup = "BACKUP" }

    public var name: String
    /// Resolved: BACKUP unless written, or MASTER for priority 255 (keepalived).
    public var state = InitialState.backup
    /// May be left out when unicast peers are used.
    public var interface: String?
    public var virtualRouterID = 0
    /// 1...255; 255 makes this router the address owner. Resolved: 100 unless written, or 255
    /// with `state MASTER` (keepalived).
    public var priority = 100
    /// Seconds: whole seconds 1...255 for VRRPv2, 0.01...40.95 for VRRPv3.
    public var advertInterval = 1.0
    /// Resolved: `version`, else global `vrrp_version`, and always 3 for IPv6 instances.
    public var version = 2
    /// Resolved from the virtual addresses (IPv4 when there are none).
    public var family = IPAddress.Family.ipv4
    public var preempt = true
    public var preemptDelay = 0.0
    public var authentication: Authentication?
    public var virtualAddresses: [VirtualAddress] = []
    public var excludedVirtualAddresses: [VirtualAddress] = []
    public var unicastSourceIP: IPAddress?
    public var unicastPeers: [UnicastPeer] = []
    public var multicastSourceIP: IPAddress?
    public var trackInterfaces: [Tracker] = []
    public var trackScripts: [Tracker] = []
    public var trackFiles: [Tracker] = []
    public var trackProcesses: [Tracker] = []
    public var notify = StateNotifications()
    public var smtpAlert: Bool?
    /// Resolved from the global `vrrp_garp_*` values for those not set here.
    public var garp = GratuitousARPSettings()
    /// Whether packets addressed to the VIPs are accepted when not the address owner. Resolved:
    /// on unless `no_accept`, or strict mode below priority 255.
    public var accept = true
    public var strictMode = false
    public var useVMAC: VirtualMAC?
    public var vmacTransmitBase = false
    public var downTimerAdverts = 3
    public var checkUnicastSource = false
    public var dontTrackPrimary = false
    public var skipCheckAdvertAddress = false
    public var lowerPriorityNoAdvert = false
    public var higherPrioritySendAdvert = false
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }
}

public struct Authentication: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case pass = "PASS", ah = "AH" }
    public var type = Kind.pass
    /// Only the first 8 characters are sent.
    public var password = ""
    @Unencoded public var source = SourceMap()
    public init() {}
}

/// An address line of `virtual_ipaddress` / `virtual_ipaddress_excluded`.
public struct VirtualAddress: Codable, Sendable, Hashable {
    public var address: IPAddress
    /// Defaults to 32 for IPv4 and 128 for IPv6.
    public var prefixLength: Int
    /// Defaults to the instance's interface (resolved).
    public var device: String?
    public var label: String?
    public var scope: String?
    /// An address, or "+" / "-" to set / clear the host bits.
    public var broadcast: String?
    public var noTrack = false
    @Unencoded public var source = SourceMap()

    public init(address: IPAddress, prefixLength: Int) {
        self.address = address
        self.prefixLength = prefixLength
    }
}

public struct UnicastPeer: Codable, Sendable, Hashable {
    public var address: IPAddress
    public var minimumTTL: Int?
    public var maximumTTL: Int?
    @Unencoded public var source = SourceMap()

    public init(address: IPAddress) { self.address = address }
}

/// `use_vmac [NAME] [MAC]`.
public struct VirtualMAC: Codable, Sendable, Hashable {
    public var interfaceName: String?
    public var macAddress: String?
}

public struct VRRPSyncGroup: Codable, Sendable, Hashable {
    public var name: String
    public var members: [String] = []
    public var trackInterfaces: [Tracker] = []
    public var trackScripts: [Tracker] = []
    public var trackFiles: [Tracker] = []
    public var trackProcesses: [Tracker] = []
    public var notify = StateNotifications()
    public var smtpAlert: Bool?
    public var syncGroupTrackingWeight = false
    /// Where each member name was written, for messages about it.
    @Unencoded public var memberSources = MemberSources()
    @Unencoded public var source = SourceMap()

    public init(name: String) { self.name = name }
}

public struct MemberSources: Sendable, Hashable, DefaultConstructible {
    public var locations: [SourceLocation] = []
    public init() {}
}
