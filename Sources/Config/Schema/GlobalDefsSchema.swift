// `global_defs { ... }`.

extension GlobalDefinitions: SourceMapped {}

enum GlobalDefsSchema {
    static let schema = BlockSchema<GlobalDefinitions>("global_defs", [
        .string("router_id", \.routerID),
        .integer("vrrp_version", \.vrrpVersion, 2...3),
        .user("script_user", \.scriptUser),
        .flag("enable_script_security", \.enableScriptSecurity, optionalBool: false),
        .names("notification_email", \.notificationEmail),
        .string("notification_email_from", \.notificationEmailFrom),
        .custom("smtp_server") { model, statement, context in
            guard context.expectArguments(statement, 1...2, what: "a server address or name") else { return }
            var server = SMTPServer(host: statement.arguments[0].text)
            if statement.arguments.count == 2 {
                guard let port = context.integer(statement.arguments[1], for: "smtp_server port", in: 1...65535) else { return }
                server.port = port
            }
            model.smtpServer = server
        },
        .string("smtp_helo_name", \.smtpHeloName),
        .integer("smtp_connect_timeout", \.smtpConnectTimeout, 1...3600),
        .flag("smtp_alert", \.smtpAlert),
        .script("notify_fifo", \.notifyFIFO),
        .script("notify_fifo_script", \.notifyFIFOScript),
        .script("vrrp_notify_fifo", \.vrrpNotifyFIFO),
        .script("vrrp_notify_fifo_script", \.vrrpNotifyFIFOScript),
        .script("lvs_notify_fifo", \.lvsNotifyFIFO),
        .script("lvs_notify_fifo_script", \.lvsNotifyFIFOScript),
        .integer("vrrp_garp_master_delay", \.garp.masterDelay, 0...86400),
        .integer("vrrp_garp_master_repeat", \.garp.masterRepeat, 1...1000),
        .integer("vrrp_garp_lower_prio_delay", \.garp.lowerPriorityDelay, 0...86400),
        .integer("vrrp_garp_lower_prio_repeat", \.garp.lowerPriorityRepeat, 1...1000),
        .integer("vrrp_garp_master_refresh", \.garp.masterRefresh, 0...86400),
        .integer("vrrp_garp_master_refresh_repeat", \.garp.masterRefreshRepeat, 1...1000),
        .decimal("vrrp_garp_interval", \.garp.interval, 0...1),
        .decimal("vrrp_gna_interval", \.garp.naInterval, 0...1),
        .flag("vrrp_min_garp", \.vrrpMinimumGARP),
        .address("vrrp_mcast_group4", \.vrrpMulticastGroup4),
        .address("vrrp_mcast_group6", \.vrrpMulticastGroup6),
        .flag("vrrp_strict", \.vrrpStrict, optionalBool: false),
        .flag("vrrp_skip_check_adv_addr", \.vrrpSkipCheckAdvertAddress, optionalBool: false),
        .flag("vrrp_check_unicast_src", \.vrrpCheckUnicastSource, optionalBool: false),
        .flag("vrrp_lower_prio_no_advert", \.vrrpLowerPriorityNoAdvert),
        .flag("vrrp_higher_prio_send_advert", \.vrrpHigherPrioritySendAdvert),
        .integer("vrrp_down_timer_adverts", \.vrrpDownTimerAdverts, 1...100),
        .decimal("vrrp_startup_delay", \.vrrpStartupDelay, 0...3600),
        .string("default_interface", \.defaultInterface),
        .custom("dynamic_interfaces") { model, statement, context in
            guard context.expectArguments(statement, 0...1) else { return }
            if let option = statement.arguments.first, option.text != "allow_if_changes" {
                context.log.error("'dynamic_interfaces' takes only 'allow_if_changes'; got '\(option.text)'", at: option.location)
                return
            }
            model.dynamicInterfaces = true
        },
        .flag("lvs_flush", \.lvsFlush, optionalBool: false),
        .flag("checker_log_all_failures", \.checkerLogAllFailures),
    ], notYetSupported: KnownKeywords.globalDefs)
}
