// The VRRP blocks: vrrp_script, track_file, vrrp_instance (with authentication) and vrrp_sync_group.

extension VRRPScript: SourceMapped {}
extension TrackFile: SourceMapped {}
extension TrackProcess: SourceMapped {}
extension VRRPInstance: SourceMapped {}
extension Authentication: SourceMapped {}
extension VRRPSyncGroup: SourceMapped {}

enum VRRPScriptSchema {
    static let schema = BlockSchema<VRRPScript>("vrrp_script", [
        .custom("script") { model, statement, context in
            // `script /path arg1 arg2` and `script "/path arg1 arg2"` name the same command.
            guard context.expectArguments(statement, 1...Int.max, what: "a command") else { return }
            model.script = statement.arguments.map(\.text).joined(separator: " ")
        },
        .decimal("interval", \.interval, 0.001...2_147_483),
        .decimal("timeout", \.timeout, 0.001...2_147_483),
        .trackedWeight(\.weight, reverse: \.reverse, -253...253),
        .integer("rise", \.rise, 1...2_147_483_647),
        .integer("fall", \.fall, 1...2_147_483_647),
        .user("user", \.user),
        .flag("init_fail", \.initFail, optionalBool: false),
    ])
}

enum TrackFileSchema {
    static let schema = BlockSchema<TrackFile>("track_file", [
        .string("file", \.file),
        .trackedWeight(\.weight, reverse: \.reverse, -2_147_483_647...2_147_483_647),
        .custom("init_file") { model, statement, context in
            guard context.expectArguments(statement, 0...2) else { return }
            model.initialValue = 0
            for token in statement.arguments {
                if token.text == "overwrite" {
                    model.overwrite = true
                } else if let value = context.integer(token, for: "init_file", in: -2_147_483_647...2_147_483_647) {
                    model.initialValue = value
                }
            }
        },
    ])
}

enum TrackProcessSchema {
    static let schema = BlockSchema<TrackProcess>("vrrp_track_process", [
        .custom("process") { model, statement, context in
            guard context.expectArguments(statement, 1...Int.max, what: "a process name") else { return }
            model.process = statement.arguments[0].text
            model.parameters = statement.arguments.dropFirst().map(\.text)
        },
        .custom("param_match") { model, statement, context in
            guard context.expectArguments(statement, 1...1) else { return }
            guard let match = TrackProcess.ParameterMatch(rawValue: statement.arguments[0].text) else {
                context.log.error("'param_match' is 'initial' or 'partial'; got '\(statement.arguments[0].text)'",
                                  at: statement.arguments[0].location)
                return
            }
            model.parameterMatch = match
        },
        .trackedWeight(\.weight, reverse: \.reverse, -254...254),
        .integer("quorum", \.quorum, 1...65535),
        .custom("quorum_max") { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.integer(statement.arguments[0], for: "quorum_max", in: 0...65535) else { return }
            model.quorumMax = value
        },
        .custom("delay") { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.decimal(statement.arguments[0], for: "delay", in: 0...2_147_483) else { return }
            model.forkDelay = value
            model.terminateDelay = value
        },
        .decimal("fork_delay", \.forkDelay, 0...2_147_483),
        .decimal("terminate_delay", \.terminateDelay, 0...2_147_483),
        .flag("full_command", \.fullCommand, optionalBool: false),
    ])
}

enum AuthenticationSchema {
    static let schema = BlockSchema<Authentication>("authentication", [
        .choice("auth_type", \.type, ["PASS": .pass, "AH": .ah]),
        .custom("auth_pass") { model, statement, context in
            guard context.expectArguments(statement, 1...1, what: "a password") else { return }
            let password = statement.arguments[0].text
            if password.isEmpty {
                context.log.error("'auth_pass' needs a password of 1 to 8 characters", at: statement.arguments[0].location)
                return
            }
            if password.utf8.count > 8 {
                context.log.warning("only the first 8 characters of 'auth_pass' are used", at: statement.arguments[0].location)
            }
            model.password = password
        },
    ])
}

enum VRRPInstanceSchema {
    static let schema = BlockSchema<VRRPInstance>("vrrp_instance", [
        .choice("state", \.state, ["MASTER": .master, "BACKUP": .backup]),
        .string("interface", \.interface),
        .integer("virtual_router_id", \.virtualRouterID, 1...255),
        .integer("priority", \.priority, 1...255, rangeNote: "255 only for the address owner"),
        // Any number here: the range depends on the version (whole 1...255 s for v2, 0.01...40.95 s
        // for v3), known once the instance is resolved, so VRRPChecks reports it with that range.
        .custom("advert_int") { model, statement, context in
            guard context.expectArguments(statement, 1...1) else { return }
            let token = statement.arguments[0]
            guard let value = BuildContext.parseDecimal(token.text) else {
                context.log.error("'advert_int' needs a number of seconds; got '\(token.text)'", at: token.location)
                return
            }
            model.advertInterval = value
        },
        .integer("version", \.version, 2...3),
        .flag("nopreempt", \.preempt, value: false, optionalBool: false),
        .flag("preempt", \.preempt, value: true, optionalBool: false),
        .decimal("preempt_delay", \.preemptDelay, 0...1000),
        .optionalBlock("authentication", \.authentication, make: { Authentication() }, schema: { AuthenticationSchema.schema }),
        .list("virtual_ipaddress", \.virtualAddresses) { line, context in
            VirtualAddressReader.read(line, in: "virtual_ipaddress", context: &context)
        },
        .list("virtual_ipaddress_excluded", \.excludedVirtualAddresses) { line, context in
            VirtualAddressReader.read(line, in: "virtual_ipaddress_excluded", context: &context)
        },
        .address("unicast_src_ip", \.unicastSourceIP),
        .list("unicast_peer", \.unicastPeers) { line, context in UnicastPeerReader.read(line, context: &context) },
        .address("mcast_src_ip", \.multicastSourceIP),
        .trackers("track_interface", \.trackInterfaces, weights: -253...253),
        .trackers("track_script", \.trackScripts, weights: -253...253),
        .trackers("track_file", \.trackFiles, weights: -254...254),
        .trackers("track_process", \.trackProcesses, weights: -254...254),
        .script("notify_master", \.notify.master),
        .script("notify_backup", \.notify.backup),
        .script("notify_fault", \.notify.fault),
        .script("notify_stop", \.notify.stop),
        .script("notify", \.notify.any),
        .script("notify_master_rx_lower_pri", \.notify.masterReceivedLowerPriority),
        .flag("smtp_alert", \.smtpAlert),
        .integer("garp_master_delay", \.garp.masterDelay, 0...86400),
        .integer("garp_master_repeat", \.garp.masterRepeat, 1...1000),
        .integer("garp_lower_prio_delay", \.garp.lowerPriorityDelay, 0...86400),
        .integer("garp_lower_prio_repeat", \.garp.lowerPriorityRepeat, 1...1000),
        .integer("garp_master_refresh", \.garp.masterRefresh, 0...86400),
        .integer("garp_master_refresh_repeat", \.garp.masterRefreshRepeat, 1...1000),
        .flag("accept", \.accept, value: true, optionalBool: false),
        .flag("no_accept", \.accept, value: false, optionalBool: false),
        .flag("strict_mode", \.strictMode),
        .custom("use_vmac") { model, statement, context in
            guard context.expectArguments(statement, 0...2) else { return }
            var vmac = VirtualMAC()
            for token in statement.arguments {
                if token.text.split(separator: ":").count >= 5 {
                    // Six two-digit hexadecimal bytes, as the link is created with.
                    let parts = token.text.split(separator: ":", omittingEmptySubsequences: false)
                    guard parts.count == 6, parts.allSatisfy({ $0.utf8.count == 2 && UInt8($0, radix: 16) != nil }) else {
                        context.log.error("'use_vmac' needs a MAC address of six hexadecimal bytes such as 00:00:5e:00:01:33;"
                                          + " got '\(token.text)'", at: token.location)
                        return
                    }
                    vmac.macAddress = token.text
                } else {
                    guard token.text.utf8.count <= 15 else {
                        context.log.error("'use_vmac' interface name '\(token.text)' is longer than the kernel's 15 bytes",
                                          at: token.location)
                        return
                    }
                    vmac.interfaceName = token.text
                }
            }
            model.useVMAC = vmac
        },
        .flag("vmac_xmit_base", \.vmacTransmitBase, optionalBool: false),
        .integer("down_timer_adverts", \.downTimerAdverts, 1...100),
        .flag("check_unicast_src", \.checkUnicastSource, optionalBool: false),
        .flag("dont_track_primary", \.dontTrackPrimary, optionalBool: false),
        .flag("skip_check_adv_addr", \.skipCheckAdvertAddress),
        .flag("lower_prio_no_advert", \.lowerPriorityNoAdvert),
        .flag("higher_prio_send_advert", \.higherPrioritySendAdvert),
    ], notYetSupported: KnownKeywords.vrrpInstance)
}

enum VRRPSyncGroupSchema {
    static let schema = BlockSchema<VRRPSyncGroup>("vrrp_sync_group", [
        .names("group", \.members, locations: \.memberSources),
        .trackers("track_interface", \.trackInterfaces, weights: -253...253),
        .trackers("track_script", \.trackScripts, weights: -253...253),
        .trackers("track_file", \.trackFiles, weights: -254...254),
        .trackers("track_process", \.trackProcesses, weights: -254...254),
        .script("notify_master", \.notify.master),
        .script("notify_backup", \.notify.backup),
        .script("notify_fault", \.notify.fault),
        .script("notify_stop", \.notify.stop),
        .script("notify", \.notify.any),
        .flag("smtp_alert", \.smtpAlert),
        .flag("sync_group_tracking_weight", \.syncGroupTrackingWeight, optionalBool: false),
    ], notYetSupported: KnownKeywords.syncGroup)
}
