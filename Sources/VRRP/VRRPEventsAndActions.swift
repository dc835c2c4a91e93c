// The vocabulary between the state machine and the code that does I/O: events in, actions out.

/// RFC 5798 section 6.4's states plus keepalived's Fault.
public enum VRRPState: String, Hashable, Sendable, CaseIterable {
    /// Not running: before Startup and after Shutdown.
    case initialize
    case backup
    case master
    /// keepalived: the interface is down or a weight-0 tracker failed; no adverts, no addresses.
    case fault
}

/// The timers a virtual router asks its caller to run. Arming one that is armed replaces it.
public enum VRRPTimer: String, Hashable, Sendable, CaseIterable {
    /// Adver_Timer: a master's next advert is due.
    case adver
    /// Master_Down_Timer: a backup concludes the master is gone.
    case masterDown
    /// The second announcement of the addresses after becoming master (keepalived's
    /// garp_master_delay).
    case reannounce
}

public enum VRRPEvent: Hashable, Sendable {
    /// RFC Startup event: the virtual router is enabled.
    case startup
    /// RFC Shutdown event: the virtual router is disabled (daemon stop, instance removed).
    case shutdown
    /// A timer armed through `.armTimer` reached its deadline.
    case timerFired(VRRPTimer)
    /// An advert for this VRID arrived from `source`. `hopLimit` is nil when the caller already
    /// checked it (AdvertReceiver, XDP); the other section 7.1 checks are made again here, which
    /// is cheap and keeps the state machine safe whoever feeds it.
    case advertReceived(VRRPAdvert, source: IPAddress, hopLimit: UInt8?)
    case interfaceUp
    case interfaceDown
    /// A tracker reported; replaces the previous report of the same name.
    case trackerChanged(TrackerStatus)
    /// The configured base priority changed (e.g. on reload). Ignored by the address owner;
    /// otherwise clamped to 1...254.
    case basePriorityChanged(UInt8)
}

/// Why a state changed, for notifications (keepalived's notify scripts and FIFO).
public enum TransitionReason: Hashable, Sendable {
    /// Startup of a non-owner: Initialize -> Backup.
    case startup
    /// Startup of the address owner (priority 255): Initialize -> Master at once.
    case addressOwnerStartup
    /// Backup -> Master: no advert from a master within Master_Down_Interval (or Skew_Time after
    /// a priority-0 advert).
    case masterDownTimerExpired
    /// Master -> Backup: an advert with a higher priority, or equal priority from a higher address.
    case preemptedBy(source: IPAddress, priority: UInt8)
    case shutdown
    case interfaceDown
    /// A weight-0 tracker went down.
    case trackerFault(name: String)
    /// Fault -> Backup or Master: every fault condition is gone.
    case faultCleared
}

public enum VRRPAction: Hashable, Sendable {
    /// Send this advert to the VRRP group (priority 0 when a master stops). Source, destination
    /// and TTL 255 are the caller's; AdvertEncoder writes the payload.
    case sendAdvert(VRRPAdvert)
    /// Configure the virtual addresses. `acceptMode` true: accept traffic addressed to them (the
    /// owner always does, RFC 5798 6.4.3 (650)); false: the caller drops it, as keepalived does.
    case addVirtualAddresses([IPAddress], acceptMode: Bool)
    case removeVirtualAddresses([IPAddress])
    /// Gratuitous ARP for IPv4 addresses, unsolicited Neighbor Advertisement (R and O set, S
    /// clear) for IPv6 addresses, naming the virtual addresses (RFC 5798 6.4.1 (120), (130)).
    case announceAddresses([IPAddress])
    case armTimer(VRRPTimer, deadline: MonotonicInstant)
    case cancelTimer(VRRPTimer)
    case stateChanged(from: VRRPState, to: VRRPState, reason: TransitionReason)
    /// The priority this router advertises changed (keepalived's notify_priority_changes).
    case effectivePriorityChanged(from: UInt8, to: UInt8)
    /// A received advert failed a section 7.1 check and was discarded; count it under
    /// `rejection.reason`.
    case advertRejected(AdvertRejection)
}
