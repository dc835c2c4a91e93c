// Receiving an advert: the section 7.1 checks, then RFC 5798 6.4.2 (420)-(485) in Backup and
// 6.4.3 (700)-(785) in Master. Initialize and Fault do not listen.

extension VirtualRouter {
    mutating func advertReceived(_ advert: VRRPAdvert, source: IPAddress, hopLimit: UInt8?,
                                 at now: MonotonicInstant) {
        guard state == .backup || state == .master else { return }
        guard advert.virtualRouterID == configuration.virtualRouterID,
              source.family == configuration.family else {
            emit(.advertRejected(.unknownVirtualRouter(advert.virtualRouterID)))
            return
        }
        switch AdvertReceiver.check(advert, source: source, hopLimit: hopLimit,
                                    against: configuration.expectations) {
        case .failure(let rejection):
            emit(.advertRejected(rejection))
        case .success:
            if state == .backup {
                backupReceived(advert, at: now)
            } else {
                masterReceived(advert, source: source, at: now)
            }
        }
    }

    /// Whether a backup would take over from a master advertising `priority` (RFC 5798 6.4.2
    /// (445)): Preempt_Mode on, a lower advertised priority, and (keepalived's preempt_delay)
    /// the delay after startup over.
    private func preempts(priority: UInt8, at now: MonotonicInstant) -> Bool {
        configuration.preemptMode && priority < effectivePriority && now >= preemptAllowedAt
    }

    private mutating func backupReceived(_ advert: VRRPAdvert, at now: MonotonicInstant) {
        if advert.priority == 0 {
            // (425)-(430): the master is stopping; take over after Skew_Time only.
            arm(.masterDown, after: skewTime, now: now)
        } else if !preempts(priority: advert.priority, at: now) {
            // (445)-(460)
            if configuration.version == .v3 { masterAdverInterval = advert.interval.duration }
            arm(.masterDown, after: masterDownInterval, now: now)
        }
        // else (465)-(470): discard, so Master_Down_Timer runs out and this router preempts.
    }

    private mutating func masterReceived(_ advert: VRRPAdvert, source: IPAddress,
                                         at now: MonotonicInstant) {
        if advert.priority == 0 {
            // (705)-(715): another master is stopping; assert ourselves at once.
            emit(.sendAdvert(self.advert(priority: effectivePriority)))
            arm(.adver, after: advertisementInterval, now: now)
            return
        }
        let local = effectivePriority
        // (725)-(735): higher priority, or equal priority from a higher primary address.
        if advert.priority > local || advert.priority == local && source > configuration.primaryAddress {
            yieldMastership(to: source, advert: advert, at: now)
        }
        // else (765)-(770): discard.
    }
}
