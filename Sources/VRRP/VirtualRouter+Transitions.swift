// Entering and leaving states: RFC 5798 6.4.1 (Initialize), the transitions of 6.4.2 and 6.4.3,
// and keepalived's Fault state. Each transition ends with its `.stateChanged` action, after the
// work it describes.

extension VirtualRouter {
    /// RFC 5798 6.4.1 (100)-(175), or Fault when a fault condition already holds.
    mutating func startup(at now: MonotonicInstant) {
        guard state == .initialize else { return }
        preemptAllowedAt = now.advanced(by: configuration.preemptDelay)
        if let reason = faultReason {
            transition(to: .fault, reason: reason)
            return
        }
        start(at: now, ownerReason: .addressOwnerStartup, reason: .startup)
    }

    /// The Startup branch of 6.4.1: the owner becomes master at once, anyone else backup.
    private mutating func start(at now: MonotonicInstant, ownerReason: TransitionReason,
                                reason: TransitionReason) {
        if configuration.isAddressOwner {
            becomeMaster(at: now, reason: ownerReason)  // (105)-(145)
        } else {
            masterAdverInterval = advertisementInterval  // (155)
            arm(.masterDown, after: masterDownInterval, now: now)  // (160)
            transition(to: .backup, reason: reason)  // (165)
        }
    }

    /// RFC 5798 6.4.1 (110)-(145) and 6.4.2 (370)-(410): addresses up, advert, announcement,
    /// Adver_Timer, Master. The addresses come first so the announcement names configured ones.
    mutating func becomeMaster(at now: MonotonicInstant, reason: TransitionReason) {
        cancel(.masterDown)
        if !configuration.virtualAddresses.isEmpty {
            emit(.addVirtualAddresses(configuration.virtualAddresses,
                                      acceptMode: configuration.isAddressOwner || configuration.acceptMode))
        }
        emit(.sendAdvert(advert(priority: effectivePriority)))
        announceAddresses()
        arm(.adver, after: advertisementInterval, now: now)
        if let delay = configuration.reannounceDelay, !configuration.virtualAddresses.isEmpty {
            arm(.reannounce, after: delay, now: now)
        }
        transition(to: .master, reason: reason)
    }

    /// What every way out of Master shares: timers off, addresses released. `sendsStop` sends a
    /// priority-0 advert so that backups take over after Skew_Time instead of
    /// Master_Down_Interval (RFC 5798 6.4.3 (665); keepalived does the same entering Fault).
    private mutating func leaveMaster(sendsStop: Bool) {
        cancel(.adver)
        cancel(.reannounce)
        if sendsStop { emit(.sendAdvert(advert(priority: 0))) }
        if !configuration.virtualAddresses.isEmpty {
            emit(.removeVirtualAddresses(configuration.virtualAddresses))
        }
    }

    /// RFC 5798 6.4.3 (740)-(760): a better master exists.
    mutating func yieldMastership(to source: IPAddress, advert: VRRPAdvert, at now: MonotonicInstant) {
        leaveMaster(sendsStop: false)
        if configuration.version == .v3 { masterAdverInterval = advert.interval.duration }
        arm(.masterDown, after: masterDownInterval, now: now)
        transition(to: .backup, reason: .preemptedBy(source: source, priority: advert.priority))
    }

    /// RFC 5798 6.4.2 (345)-(355) and 6.4.3 (655)-(670); from Fault simply back to Initialize.
    mutating func shutdown() {
        switch state {
        case .initialize:
            return
        case .backup:
            cancel(.masterDown)
        case .master:
            leaveMaster(sendsStop: true)
        case .fault:
            break
        }
        transition(to: .initialize, reason: .shutdown)
    }

    /// Moves into or out of Fault to match the interface and the weight-0 trackers.
    mutating func reconcileFault(at now: MonotonicInstant) {
        switch (state, faultReason) {
        case (.backup, let reason?):
            cancel(.masterDown)
            transition(to: .fault, reason: reason)
        case (.master, let reason?):
            // A priority-0 advert only helps if it can still leave through the interface.
            leaveMaster(sendsStop: interfaceIsUp)
            transition(to: .fault, reason: reason)
        case (.fault, nil):
            // Leaving Fault is a fresh start, preempt_delay included.
            preemptAllowedAt = now.advanced(by: configuration.preemptDelay)
            start(at: now, ownerReason: .faultCleared, reason: .faultCleared)
        default:
            break
        }
    }
}
