// VRRP rules: required settings, advert_int per version, address families, trackers that name
// scripts and files, sync group membership, and VRIDs and addresses that two instances claim.

enum VRRPChecks {
    static func check(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        let scripts = config.vrrpScripts.map(\.name)
        let files = config.trackFiles.map(\.name)
        let processes = config.trackProcesses.map(\.name)
        for instance in config.vrrpInstances {
            checkInstance(instance, log: &log)
            checkTrackers(instance.trackScripts, kind: "track_script", target: "vrrp_script", names: scripts, log: &log)
            checkTrackers(instance.trackFiles, kind: "track_file", target: "track_file", names: files, log: &log)
            checkTrackers(instance.trackProcesses, kind: "track_process", target: "vrrp_track_process", names: processes, log: &log)
        }
        for group in config.vrrpSyncGroups {
            checkTrackers(group.trackScripts, kind: "track_script", target: "vrrp_script", names: scripts, log: &log)
            checkTrackers(group.trackFiles, kind: "track_file", target: "track_file", names: files, log: &log)
            checkTrackers(group.trackProcesses, kind: "track_process", target: "vrrp_track_process", names: processes, log: &log)
        }
        for tracker in config.trackProcesses where tracker.process.isEmpty {
            log.error("vrrp_track_process '\(tracker.name)' needs a 'process'", at: tracker.source.declaration)
        }
        checkSyncGroups(config, log: &log)
        checkRouterIDs(config.vrrpInstances, log: &log)
        checkVirtualAddressesUnique(config.vrrpInstances, log: &log)
    }

    private static func checkInstance(_ instance: VRRPInstance, log: inout DiagnosticLog) {
        let name = instance.name
        let written = instance.source.keywords
        if written["virtual_router_id"] == nil {
            log.error("vrrp_instance '\(name)' needs a 'virtual_router_id' (1 to 255)", at: instance.source.declaration)
        }
        // Where a keyword was written but its value was rejected, that error is enough.
        if instance.interface == nil && instance.unicastPeers.isEmpty && written["interface"] == nil {
            log.error("vrrp_instance '\(name)' needs an 'interface' (only unicast instances may leave it out)",
                      at: instance.source.declaration)
        }
        if instance.version == 2, written["advert_int"] != nil {
            let interval = instance.advertInterval
            if interval != interval.rounded() || interval < 1 || interval > 255 {
                let hint = interval > 255 ? "" : " (use 'version 3' for shorter or fractional intervals)"
                log.error("VRRPv2 'advert_int' must be whole seconds from 1 to 255; got \(BuildContext.format(interval))" + hint,
                          at: instance.source["advert_int"])
            }
        }
        if instance.version == 3 {
            let interval = instance.advertInterval
            if interval < 0.01 || interval > 40.95 {
                log.error("VRRPv3 'advert_int' must be between 0.01 and 40.95 seconds; got \(BuildContext.format(interval))",
                          at: instance.source["advert_int"])
            } else if (interval * 100).rounded() != (interval * 100 * 1000).rounded() / 1000 {
                log.warning("VRRPv3 'advert_int' is sent in hundredths of a second; \(BuildContext.format(interval)) will be rounded",
                            at: instance.source["advert_int"])
            }
        }
        if let authentication = instance.authentication {
            if instance.version == 3 {
                log.warning("'authentication' is ignored: VRRPv3 adverts carry no authentication (keepalived ignores it too)",
                            at: instance.source["authentication"])
            } else if authentication.type == .ah {
                log.error("'auth_type AH' (IP Authentication Header) is not supported: RFC 3768 removed it from VRRP;"
                          + " use 'auth_type PASS' or no authentication", at: authentication.source["auth_type"])
            }
        }
        if instance.virtualAddresses.count > 255, let first = instance.virtualAddresses.dropFirst(255).first {
            log.error("vrrp_instance '\(name)' has \(instance.virtualAddresses.count) virtual_ipaddress entries; an advert carries"
                      + " at most 255 (put the others in virtual_ipaddress_excluded)", at: first.source.declaration)
        }
        checkFamilies(instance, log: &log)
        checkAddressOwner(instance, log: &log)
        if instance.state == .master && !instance.preempt && instance.priority != 255 {
            log.warning("'nopreempt' has no effect on an instance whose initial state is MASTER; use 'state BACKUP' on every node",
                        at: instance.source["nopreempt"])
        }
        if instance.state == .master && instance.preemptDelay > 0 {
            log.warning("'preempt_delay' has no effect on an instance whose initial state is MASTER",
                        at: instance.source["preempt_delay"])
        }
        if instance.virtualAddresses.isEmpty && (instance.version == 3 || instance.strictMode) && written["virtual_ipaddress"] == nil {
            // keepalived drops such an instance: a VRRPv3 (RFC 5798) advert must name an address.
            log.error("vrrp_instance '\(name)' needs a virtual_ipaddress: \(instance.version == 3 ? "VRRPv3" : "strict mode") requires"
                      + " at least one (virtual_ipaddress_excluded does not count)", at: instance.source.declaration)
        } else if instance.virtualAddresses.isEmpty && instance.excludedVirtualAddresses.isEmpty
            && written["virtual_ipaddress"] == nil && written["virtual_ipaddress_excluded"] == nil {
            log.warning("vrrp_instance '\(name)' has no virtual_ipaddress", at: instance.source.declaration)
        }
    }

    /// Priority 255 is only for the address owner (RFC 5798 5.2.4), which is MASTER from the
    /// start and whatever it hears; keepalived's `-t` rejects settings that contradict that.
    private static func checkAddressOwner(_ instance: VRRPInstance, log: inout DiagnosticLog) {
        let name = instance.name
        let written = instance.source.keywords
        if instance.priority == 255 {
            // Where the priority came from: written, or keepalived's default for `state MASTER`.
            if written["priority"] != nil {
                log.note("priority 255 makes '\(name)' the address owner: it becomes MASTER at once and trackers cannot lower its priority",
                         at: instance.source["priority"])
            } else {
                log.note("'state MASTER' without a 'priority' gives priority 255, as in keepalived: '\(name)' is the address owner,"
                         + " becomes MASTER at once and trackers cannot lower its priority", at: instance.source["state"])
            }
            if written["nopreempt"] != nil {
                // keepalived -t reports it, and keepalived resets it and runs: so does xdpha.
                log.warning("'nopreempt' is ignored for '\(name)': priority 255 is only for the address owner, which always takes over at once",
                            at: instance.source["nopreempt"])
            }
        }
        // Strict mode (vrrp_strict / strict_mode) follows RFC 5798: only the owner starts as MASTER.
        // keepalived corrects the state and runs, so this is a warning; xdpha's state machine starts
        // by priority anyway (the owner as MASTER, every other router as BACKUP).
        if instance.strictMode, let state = written["state"], (instance.state == .master) != (instance.priority == 255) {
            let message = instance.priority == 255
                ? "strict mode starts the address owner (priority 255) in MASTER, whatever 'state' says"
                : "strict mode starts '\(name)' in BACKUP: only the address owner (priority 255) starts in MASTER; '\(name)' has priority \(instance.priority)"
            log.warning(message, at: state)
        }
    }

    private static func checkFamilies(_ instance: VRRPInstance, log: inout DiagnosticLog) {
        let family = instance.family
        for vip in instance.virtualAddresses where vip.address.family != family {
            log.error("virtual_ipaddress mixes IPv4 and IPv6: \(vip.address) is \(vip.address.family) but the first address is \(family)"
                      + " (put the other family in virtual_ipaddress_excluded)", at: vip.source.declaration)
        }
        if family == .ipv6, instance.source.keywords["version"] != nil {
            if let vip = instance.virtualAddresses.first {
                // `version 2` was written but the instance is IPv6: VRRPv2 carries only IPv4.
                let versionLine = instance.source["version"]
                log.error("IPv6 address \(vip.address) in a VRRPv2 instance; VRRPv2 carries only IPv4 addresses (use 'version 3')",
                          at: vip.source.declaration, notes: [.note("version set here", at: versionLine)])
            }
        }
        if let source = instance.unicastSourceIP {
            for peer in instance.unicastPeers where peer.address.family != source.family {
                log.error("unicast_peer \(peer.address) is \(peer.address.family) but unicast_src_ip \(source) is \(source.family)",
                          at: peer.source.declaration, notes: [.note("unicast_src_ip set here", at: instance.source["unicast_src_ip"])])
            }
        } else if let first = instance.unicastPeers.first {
            for peer in instance.unicastPeers where peer.address.family != first.address.family {
                log.error("unicast_peer \(peer.address) is \(peer.address.family) but the first peer, \(first.address), is \(first.address.family)",
                          at: peer.source.declaration)
            }
        }
        if let first = instance.unicastPeers.first ?? nil, !instance.virtualAddresses.isEmpty,
           first.address.family != family, instance.unicastSourceIP == nil {
            log.error("unicast_peer \(first.address) is \(first.address.family) but the instance's addresses are \(family)",
                      at: first.source.declaration)
        }
    }

    private static func checkTrackers(_ trackers: [Tracker], kind: String, target: String, names: [String], log: inout DiagnosticLog) {
        let known = Set(names)
        for tracker in trackers where !known.contains(tracker.name) {
            log.error("\(kind) '\(tracker.name)' names no \(target)\(ConfigValidator.hint(tracker.name, among: names))",
                      at: tracker.source.declaration)
        }
    }

    private static func checkSyncGroups(_ config: KeepalivedConfig, log: inout DiagnosticLog) {
        let instances = config.vrrpInstances.map(\.name)
        let known = Set(instances)
        var membership: [String: (group: String, location: SourceLocation?)] = [:]
        for group in config.vrrpSyncGroups {
            if group.source.keywords["group"] == nil {
                log.error("vrrp_sync_group '\(group.name)' needs a 'group { ... }' of instances", at: group.source.declaration)
            } else if group.members.count == 1 {
                log.warning("vrrp_sync_group '\(group.name)' has only one instance, so it synchronises nothing",
                            at: group.memberSources.locations.first ?? group.source.declaration)
            }
            checkOwnersApart(group, config.vrrpInstances, log: &log)
            for (index, member) in group.members.enumerated() {
                let location = group.memberSources.locations.indices.contains(index) ? group.memberSources.locations[index] : group.source.declaration
                guard known.contains(member) else {
                    log.error("vrrp_sync_group '\(group.name)' names no vrrp_instance '\(member)'\(ConfigValidator.hint(member, among: instances))",
                              at: location)
                    continue
                }
                if let previous = membership[member] {
                    log.error("vrrp_instance '\(member)' is in two sync groups, '\(previous.group)' and '\(group.name)'", at: location,
                              notes: previous.location.map { [.note("first listed here", at: $0)] } ?? [])
                } else {
                    membership[member] = (group.name, location)
                }
            }
        }
    }

    /// An address owner never leaves MASTER, so a group that also holds other instances could
    /// never move as one (keepalived's `-t` rejects it too).
    private static func checkOwnersApart(_ group: VRRPSyncGroup, _ instances: [VRRPInstance], log: inout DiagnosticLog) {
        // The first owner and the first other member, by their place in the group.
        var owner: Int?, other: Int?
        for (index, member) in group.members.enumerated() {
            guard let instance = instances.first(where: { $0.name == member }) else { continue }
            if instance.priority == 255 { owner = owner ?? index } else { other = other ?? index }
        }
        guard let owner, let other else { return }
        func location(_ index: Int) -> SourceLocation? {
            group.memberSources.locations.indices.contains(index) ? group.memberSources.locations[index] : group.source.declaration
        }
        // A warning: keepalived -t accepts it, and keepalived runs it.
        log.warning("vrrp_sync_group '\(group.name)' mixes the address owner '\(group.members[owner])' (priority 255, always MASTER)"
                  + " with '\(group.members[other])', which is not one: the group cannot change state as one",
                  at: location(max(owner, other)), notes: [.note("'\(group.members[min(owner, other)])' is listed here", at: location(min(owner, other)))])
    }

    /// Two instances with one VRID on one interface and family would answer for each other's
    /// adverts; keepalived allows it only for unicast instances whose peers do not overlap.
    private static func checkRouterIDs(_ instances: [VRRPInstance], log: inout DiagnosticLog) {
        struct Key: Hashable { var interface: String; var family: IPAddress.Family; var vrid: Int }
        var seen: [Key: VRRPInstance] = [:]
        for instance in instances where instance.source.keywords["virtual_router_id"] != nil {
            let key = Key(interface: instance.interface ?? "", family: instance.family, vrid: instance.virtualRouterID)
            guard let previous = seen[key] else {
                seen[key] = instance
                continue
            }
            let peers = Set(instance.unicastPeers.map(\.address)), previousPeers = Set(previous.unicastPeers.map(\.address))
            if !peers.isEmpty, !previousPeers.isEmpty, peers.isDisjoint(with: previousPeers) { continue }
            let place = instance.interface.map { "interface \($0)" } ?? "no interface"
            log.error("virtual_router_id \(instance.virtualRouterID) is used by both '\(previous.name)' and '\(instance.name)' on \(place) (\(instance.family))",
                      at: instance.source["virtual_router_id"],
                      notes: [.note("'\(previous.name)' uses it here", at: previous.source["virtual_router_id"])])
        }
    }

    private static func checkVirtualAddressesUnique(_ instances: [VRRPInstance], log: inout DiagnosticLog) {
        var owner: [IPAddress: (instance: String, location: SourceLocation?)] = [:]
        for instance in instances {
            var own = Set<IPAddress>()
            for vip in instance.virtualAddresses + instance.excludedVirtualAddresses {
                guard own.insert(vip.address).inserted else {
                    // keepalived accepts this (its own sample does it), so it is not an error here either.
                    log.warning("\(vip.address) is listed twice in vrrp_instance '\(instance.name)'", at: vip.source.declaration)
                    continue
                }
                if let previous = owner[vip.address] {
                    log.error("\(vip.address) is a virtual address of both '\(previous.instance)' and '\(instance.name)'",
                              at: vip.source.declaration,
                              notes: previous.location.map { [.note("'\(previous.instance)' claims it here", at: $0)] } ?? [])
                } else {
                    owner[vip.address] = (instance.name, vip.source.declaration)
                }
            }
        }
    }
}
