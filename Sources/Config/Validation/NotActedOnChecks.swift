// Settings xdpha parses and keeps in the model but whose behaviour it does not carry out yet:
// each gets a warning at the keyword, so an operator reading `check-config` or the daemon's log
// knows exactly what differs from keepalived. Remove an entry when the daemon implements it.

enum NotActedOnChecks {
    static func check(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        // A global default (vrrp_strict, vrrp_down_timer_adverts...) reaches every instance:
        // one warning at the global keyword is enough.
        var said: Set<String> = []
        func warn(_ message: String, at location: SourceLocation?) {
            guard said.insert("\(message)@\(String(describing: location))").inserted else { return }
            log.warning(message, at: location)
        }
        for instance in config.vrrpInstances {
            let at = instance.source
            if instance.vmacTransmitBase && instance.useVMAC == nil && at.keywords["vmac_xmit_base"] != nil {
                warn("'vmac_xmit_base' has no effect without 'use_vmac'", at: at.keywords["vmac_xmit_base"])
            }
            if !instance.accept && instance.priority != 255 {
                let location = at.keywords["no_accept"] ?? at.keywords["strict_mode"] ?? config.global.source.keywords["vrrp_strict"]
                warn("no_accept is not enforced yet: while MASTER, the host still accepts packets addressed to the VIPs",
                     at: location ?? instance.source.declaration)
            }
            if instance.downTimerAdverts != 3 {
                let location = at.keywords["down_timer_adverts"] ?? config.global.source.keywords["vrrp_down_timer_adverts"]
                warn("'down_timer_adverts' is not supported yet: Master_Down_Interval stays 3 adverts plus skew"
                            + " (RFC 5798)", at: location ?? instance.source.declaration)
            }
            if instance.checkUnicastSource {
                let location = at.keywords["check_unicast_src"] ?? config.global.source.keywords["vrrp_check_unicast_src"]
                warn("'check_unicast_src' is not supported yet: adverts from addresses outside unicast_peer are"
                            + " accepted", at: location ?? instance.source.declaration)
            }
            if instance.higherPrioritySendAdvert {
                let location = at.keywords["higher_prio_send_advert"] ?? config.global.source.keywords["vrrp_higher_prio_send_advert"]
                warn("'higher_prio_send_advert' is not supported yet: a MASTER that hears a higher priority"
                            + " becomes BACKUP without a last advert", at: location ?? instance.source.declaration)
            }
        }
        var smtp: [SourceLocation?] = []
        if config.global.smtpAlert { smtp.append(config.global.source.keywords["smtp_alert"]) }
        smtp += config.vrrpInstances.filter { $0.smtpAlert == true }.map { $0.source["smtp_alert"] }
        smtp += config.vrrpSyncGroups.filter { $0.smtpAlert == true }.map { $0.source["smtp_alert"] }
        smtp += config.virtualServers.filter { $0.smtpAlert == true }.map { $0.source["smtp_alert"] }
        if let first = smtp.first {
            log.warning("e-mail alerts are not sent: xdpha has no SMTP client; use notify scripts or notify_fifo",
                        at: first ?? nil)
        }
    }
}
