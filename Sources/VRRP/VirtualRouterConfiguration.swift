// What one virtual router is configured with (one keepalived `vrrp_instance`), checked once when
// the VirtualRouter is made so that the state machine never meets an impossible setting.

public struct VirtualRouterConfiguration: Hashable, Sendable {
    /// VRID, 1...255.
    public var virtualRouterID: UInt8
    public var version: VRRPVersion
    /// Priority, 1...255; 255 makes this router the address owner.
    public var priority: UInt8
    /// Advertisement_Interval.
    public var advertisementInterval: AdvertInterval
    /// This router's primary address on the interface: the source of its adverts and the value
    /// compared on priority ties. For IPv6 the interface's link-local address.
    public var primaryAddress: IPAddress
    /// The virtual addresses, all of the primary address's family.
    public var virtualAddresses: [IPAddress]
    /// Preempt_Mode: a higher-priority backup takes over from a lower-priority master.
    /// keepalived's `nopreempt` sets it false.
    public var preemptMode: Bool
    /// keepalived's `preempt_delay` (0...1000 s): for this long after startup (and after leaving
    /// Fault) a backup does not preempt a lower-priority master.
    public var preemptDelay: Duration
    /// Accept_Mode: a non-owner master accepts packets addressed to the virtual addresses
    /// (keepalived's `accept`). Surfaced in `.addVirtualAddresses`; enforcing it is the caller's.
    public var acceptMode: Bool
    /// VRRPv2 only.
    public var authentication: V2Authentication
    /// Compare received address lists with ours (keepalived: not `skip_check_adv_addr`).
    public var checksAddressList: Bool
    /// After becoming master, announce the addresses (gratuitous ARP / unsolicited NA) a second
    /// time after this delay; keepalived's `garp_master_delay`, 5 s by default. nil: only once.
    public var reannounceDelay: Duration?

    public init(virtualRouterID: UInt8, version: VRRPVersion = .v3, priority: UInt8 = 100,
                advertisementInterval: AdvertInterval = AdvertInterval(centiseconds: 100)!,
                primaryAddress: IPAddress, virtualAddresses: [IPAddress],
                preemptMode: Bool = true, preemptDelay: Duration = .zero,
                acceptMode: Bool = false, authentication: V2Authentication = .none,
                checksAddressList: Bool = true, reannounceDelay: Duration? = .seconds(5)) {
        self.virtualRouterID = virtualRouterID
        self.version = version
        self.priority = priority
        self.advertisementInterval = advertisementInterval
        self.primaryAddress = primaryAddress
        self.virtualAddresses = virtualAddresses
        self.preemptMode = preemptMode
        self.preemptDelay = preemptDelay
        self.acceptMode = acceptMode
        self.authentication = authentication
        self.checksAddressList = checksAddressList
        self.reannounceDelay = reannounceDelay
    }

    public var family: IPFamily { primaryAddress.family }
    public var isAddressOwner: Bool { priority == 255 }

    /// What AdvertReceiver checks received adverts against.
    public var expectations: AdvertExpectations {
        AdvertExpectations(version: version, isAddressOwner: isAddressOwner,
                           advertisementInterval: advertisementInterval,
                           authentication: authentication, virtualAddresses: virtualAddresses,
                           checksAddressList: checksAddressList)
    }

    /// Throws the first problem found.
    public func validate() throws(VirtualRouterConfigurationError) {
        if virtualRouterID == 0 { throw .virtualRouterIDZero }
        if priority == 0 { throw .priorityZero }
        if version == .v2 && family == .ipv6 { throw .version2RequiresIPv4 }
        if version == .v3 && authentication != .none { throw .authenticationRequiresVersion2 }
        if !advertisementInterval.isRepresentable(in: version) {
            throw .intervalNotRepresentable(advertisementInterval, version)
        }
        if virtualAddresses.count > 255 { throw .tooManyAddresses(virtualAddresses.count) }
        for address in virtualAddresses where address.family != family {
            throw .addressFamilyMismatch(address, primary: primaryAddress)
        }
        if preemptDelay < .zero || preemptDelay > .seconds(1000) {
            throw .preemptDelayOutOfRange(preemptDelay)
        }
        if let reannounceDelay, reannounceDelay <= .zero {
            throw .reannounceDelayNotPositive(reannounceDelay)
        }
    }
}

public enum VirtualRouterConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    case virtualRouterIDZero
    case priorityZero
    case version2RequiresIPv4
    case authenticationRequiresVersion2
    case intervalNotRepresentable(AdvertInterval, VRRPVersion)
    case tooManyAddresses(Int)
    case addressFamilyMismatch(IPAddress, primary: IPAddress)
    case preemptDelayOutOfRange(Duration)
    case reannounceDelayNotPositive(Duration)

    public var description: String {
        switch self {
        case .virtualRouterIDZero: "virtual_router_id must be 1...255"
        case .priorityZero: "priority must be 1...255 (0 is reserved for a stopping master)"
        case .version2RequiresIPv4: "VRRPv2 supports IPv4 only"
        case .authenticationRequiresVersion2: "authentication exists in VRRPv2 only"
        case .intervalNotRepresentable(let interval, let version):
            version == .v2
                ? "VRRPv2 advert_int must be whole seconds 1...255, not \(interval)"
                : "VRRPv3 advert_int must be 0.01...40.95 s, not \(interval)"
        case .tooManyAddresses(let count): "\(count) virtual addresses (at most 255)"
        case .addressFamilyMismatch(let address, let primary):
            "virtual address \(address) is not of the family of \(primary)"
        case .preemptDelayOutOfRange(let delay): "preempt_delay \(delay) is outside 0...1000 s"
        case .reannounceDelayNotPositive(let delay): "re-announce delay \(delay) must be positive"
        }
    }
}
