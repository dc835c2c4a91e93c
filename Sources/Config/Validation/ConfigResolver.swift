// Fills in what keepalived derives rather than reads: defaults that depend on other settings,
// values inherited from global_defs, and checker timing inherited virtual -> real server -> checker.

enum ConfigResolver {
    static func resolve(_ config: inout KeepalivedConfig) {
        resolveGlobal(&config.global)
        for index in config.vrrpScripts.indices where config.vrrpScripts[index].source.keywords["timeout"] == nil {
            config.vrrpScripts[index].timeout = config.vrrpScripts[index].interval
        }
        for index in config.vrrpInstances.indices {
            resolve(&config.vrrpInstances[index], global: config.global)
        }
        for index in config.virtualServers.indices {
            resolve(&config.virtualServers[index])
        }
    }

    private static func resolveGlobal(_ global: inout GlobalDefinitions) {
        let written = global.source.keywords
        if written["vrrp_garp_lower_prio_delay"] == nil { global.garp.lowerPriorityDelay = global.garp.masterDelay }
        if written["vrrp_garp_lower_prio_repeat"] == nil { global.garp.lowerPriorityRepeat = global.garp.masterRepeat }
    }

    private static func resolve(_ instance: inout VRRPInstance, global: GlobalDefinitions) {
        let written = instance.source.keywords
        if let first = instance.virtualAddresses.first {
            instance.family = first.address.family
        } else if let source = instance.unicastSourceIP {
            instance.family = source.family
        } else if let peer = instance.unicastPeers.first {
            instance.family = peer.address.family
        }
        if instance.family == .ipv6 {
            instance.version = 3
        } else if written["version"] == nil {
            instance.version = global.vrrpVersion
        }
        // keepalived derives an unset priority from the initial state (MASTER: 255, the address
        // owner; else 100) and an unset initial state from the priority.
        if written["priority"] == nil, written["state"] != nil, instance.state == .master {
            instance.priority = 255
        } else if written["state"] == nil, instance.priority == 255 {
            instance.state = .master
        }
        if instance.priority == 255 { instance.preempt = true }   // keepalived resets nopreempt for the owner
        let garpKeywords: [(String, WritableKeyPath<GratuitousARPSettings, Int>)] = [
            ("garp_master_delay", \.masterDelay), ("garp_master_repeat", \.masterRepeat),
            ("garp_lower_prio_delay", \.lowerPriorityDelay), ("garp_lower_prio_repeat", \.lowerPriorityRepeat),
            ("garp_master_refresh", \.masterRefresh), ("garp_master_refresh_repeat", \.masterRefreshRepeat),
        ]
        for (keyword, field) in garpKeywords where written[keyword] == nil {
            instance.garp[keyPath: field] = global.garp[keyPath: field]
        }
        instance.garp.interval = global.garp.interval
        instance.garp.naInterval = global.garp.naInterval
        if written["strict_mode"] == nil { instance.strictMode = global.vrrpStrict }
        if written["accept"] == nil && written["no_accept"] == nil {
            // Strict mode follows RFC 5798: accept mode only for the address owner.
            instance.accept = instance.strictMode ? instance.priority == 255 : true
        }
        if written["down_timer_adverts"] == nil { instance.downTimerAdverts = global.vrrpDownTimerAdverts }
        if written["check_unicast_src"] == nil { instance.checkUnicastSource = global.vrrpCheckUnicastSource }
        if written["skip_check_adv_addr"] == nil { instance.skipCheckAdvertAddress = global.vrrpSkipCheckAdvertAddress }
        if written["lower_prio_no_advert"] == nil {
            instance.lowerPriorityNoAdvert = global.vrrpLowerPriorityNoAdvert || instance.strictMode
        }
        if written["higher_prio_send_advert"] == nil { instance.higherPrioritySendAdvert = global.vrrpHigherPrioritySendAdvert }
        let device = instance.interface ?? global.defaultInterface
        for index in instance.virtualAddresses.indices where instance.virtualAddresses[index].device == nil {
            instance.virtualAddresses[index].device = device
        }
        for index in instance.excludedVirtualAddresses.indices where instance.excludedVirtualAddresses[index].device == nil {
            instance.excludedVirtualAddresses[index].device = device
        }
    }

    private static func resolve(_ server: inout VirtualServer) {
        if server.sorryServerInhibitWritten.value { server.sorryServer?.inhibit = true }
        if server.service.kind == .fwmark {
            server.protocol = nil
        } else if server.source.keywords["protocol"] == nil {
            server.protocol = .udp
        }
        for index in server.realServers.indices {
            var real = server.realServers[index]
            let written = real.source.keywords
            if real.port == nil, server.service.kind == .address { real.port = server.service.port }
            if written["lvs_method"] == nil { real.forwardingMethod = server.forwardingMethod }
            if written["inhibit_on_failure"] == nil { real.inhibitOnFailure = server.inhibitOnFailure }
            if real.virtualhost == nil { real.virtualhost = server.virtualhost }
            for checkerIndex in real.checkers.indices {
                real.checkers[checkerIndex].timing = timing(for: real.checkers[checkerIndex], real: real, server: server)
                if var misc = real.checkers[checkerIndex].misc, misc.timeout == nil {
                    misc.timeout = real.checkers[checkerIndex].timing.delayLoop
                    real.checkers[checkerIndex].misc = misc
                }
                if var http = real.checkers[checkerIndex].http, http.virtualhost == nil {
                    http.virtualhost = real.virtualhost
                    real.checkers[checkerIndex].http = http
                }
            }
            server.realServers[index] = real
        }
    }

    /// The checker's own value, else the real server's, else the virtual server's, else
    /// keepalived's default for the checker type.
    static func timing(for checker: HealthChecker, real: RealServer, server: VirtualServer) -> CheckerTiming {
        let levels = [checker.written, real.checkerDefaults, server.checkerDefaults]
        func first<T>(_ field: KeyPath<CheckerTimingOverrides, T?>) -> T? {
            levels.lazy.compactMap { $0[keyPath: field] }.first
        }
        var timing = CheckerTiming()
        timing.delayLoop = checker.written.delayLoop ?? real.checkerDefaults.delayLoop ?? server.delayLoop
        timing.connectTimeout = first(\.connectTimeout) ?? 5
        switch checker.type {
        case .dns: timing.retry = first(\.retry) ?? 3
        case .misc: timing.retry = first(\.retry) ?? 0
        default: timing.retry = first(\.retry) ?? 1
        }
        switch checker.type {
        case .http, .ssl: timing.delayBeforeRetry = first(\.delayBeforeRetry) ?? 3
        case .dns: timing.delayBeforeRetry = first(\.delayBeforeRetry) ?? timing.delayLoop
        default: timing.delayBeforeRetry = first(\.delayBeforeRetry) ?? 1
        }
        timing.warmup = first(\.warmup) ?? timing.delayLoop
        return timing
    }
}
