// Settings xdpha parses and keeps in the model but whose behaviour it does not carry out yet:
// each is "accepted but not supported yet" at the keyword, with what differs from keepalived, so
// an operator reading `check-config` or the daemon's log knows exactly that; `--strict` makes it
// an error, as for the keywords the schemas only recognise. Remove an entry when the daemon
// implements it.

enum NotActedOnChecks {
    static func check(_ config: KeepalivedConfig, context: inout BuildContext) {
        // A global default (vrrp_strict, vrrp_down_timer_adverts...) reaches every instance:
        // one report at the global keyword is enough.
        var said: Set<String> = []
        func report(_ keyword: String, _ consequence: String, in block: String, at location: SourceLocation?) {
            guard said.insert("\(keyword)@\(String(describing: location))").inserted else { return }
            context.reportNotActedOn(keyword, consequence, in: block, at: location)
        }
        let global = config.global.source.keywords
        for instance in config.vrrpInstances {
            let at = instance.source
            if instance.vmacTransmitBase && instance.useVMAC == nil && at.keywords["vmac_xmit_base"] != nil {
                context.log.warning("'vmac_xmit_base' has no effect without 'use_vmac'", at: at.keywords["vmac_xmit_base"])
            }
            if !instance.accept && instance.priority != 255 {
                let consequence = "while MASTER, the host still accepts packets addressed to the VIPs"
                if let location = at.keywords["no_accept"] {
                    report("no_accept", consequence, in: "vrrp_instance", at: location)
                } else if let location = at.keywords["strict_mode"] {
                    report("strict_mode", "its no_accept is not enforced (\(consequence))", in: "vrrp_instance", at: location)
                } else {
                    report("vrrp_strict", "its no_accept is not enforced (\(consequence))", in: "global_defs",
                           at: global["vrrp_strict"] ?? instance.source.declaration)
                }
            }
            if instance.downTimerAdverts != 3 {
                let own = at.keywords["down_timer_adverts"]
                report(own == nil ? "vrrp_down_timer_adverts" : "down_timer_adverts",
                       "Master_Down_Interval stays 3 adverts plus skew (RFC 5798)", in: own == nil ? "global_defs" : "vrrp_instance",
                       at: own ?? global["vrrp_down_timer_adverts"] ?? instance.source.declaration)
            }
            if instance.checkUnicastSource {
                let own = at.keywords["check_unicast_src"]
                report(own == nil ? "vrrp_check_unicast_src" : "check_unicast_src",
                       "adverts from addresses outside unicast_peer are accepted", in: own == nil ? "global_defs" : "vrrp_instance",
                       at: own ?? global["vrrp_check_unicast_src"] ?? instance.source.declaration)
            }
            if instance.higherPrioritySendAdvert {
                let own = at.keywords["higher_prio_send_advert"]
                report(own == nil ? "vrrp_higher_prio_send_advert" : "higher_prio_send_advert",
                       "a MASTER that hears a higher priority becomes BACKUP without a last advert",
                       in: own == nil ? "global_defs" : "vrrp_instance",
                       at: own ?? global["vrrp_higher_prio_send_advert"] ?? instance.source.declaration)
            }
        }
        var smtp: [(block: String, location: SourceLocation?)] = []
        if config.global.smtpAlert { smtp.append(("global_defs", global["smtp_alert"])) }
        smtp += config.vrrpInstances.filter { $0.smtpAlert == true }.map { ("vrrp_instance", $0.source["smtp_alert"]) }
        smtp += config.vrrpSyncGroups.filter { $0.smtpAlert == true }.map { ("vrrp_sync_group", $0.source["smtp_alert"]) }
        smtp += config.virtualServers.filter { $0.smtpAlert == true }.map { ("virtual_server", $0.source["smtp_alert"]) }
        if let first = smtp.first {
            report("smtp_alert", "e-mail alerts are not sent (xdpha has no SMTP client); use notify scripts or notify_fifo",
                   in: first.block, at: first.location)
        }
    }
}

extension BuildContext {
    /// A keyword that is read into the model but whose behaviour is not carried out yet.
    mutating func reportNotActedOn(_ keyword: String, _ consequence: String, in block: String, at location: SourceLocation?) {
        let message = "'\(keyword)' is accepted but not supported yet: \(consequence)"
        if strict { log.error(message + " (--strict)", at: location) } else { log.warning(message, at: location) }
        let place = location.map { "\(sources.path(of: $0.file)):\($0.line): " } ?? ""
        unsupported.append("\(place)\(block) \(keyword)")
    }
}
