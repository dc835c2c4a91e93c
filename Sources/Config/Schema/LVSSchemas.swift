// The LVS blocks: virtual_server (and its declaration line), real_server, virtual_server_group.

extension VirtualServer: SourceMapped {}
extension RealServer: SourceMapped {}
extension VirtualServerGroup: SourceMapped {}
extension KeepalivedConfig: SourceMapped {}

enum LVSSchedulers {
    static let names = ["rr", "wrr", "lc", "wlc", "lblc", "sh", "mh", "dh", "fo", "ovf", "lblcr", "sed", "nq", "twos"]
    /// The scheduler flag keywords of a virtual_server (sh-port = mh-port = flag-2, and so on).
    static let flags = ["flag-1", "flag-2", "flag-3", "sh-port", "sh-fallback", "mh-port", "mh-fallback", "ops"]
}

/// Checker timing keywords valid at the virtual server, real server and checker levels.
/// `nb_get_retry`, the old spelling of `retry`, is accepted (as keepalived does) in checkers only.
func timingRules<Model>(_ timing: Field<Model, CheckerTimingOverrides>, oldRetrySpelling: Bool = false) -> [KeywordRule<Model>] {
    func seconds(_ name: String, _ range: ClosedRange<Double>,
                 _ set: @escaping @Sendable (inout CheckerTimingOverrides, Double) -> Void) -> KeywordRule<Model> {
        .custom(name) { model, statement, context in
            guard context.expectArguments(statement, 1...1),
                  let value = context.decimal(statement.arguments[0], for: name, in: range) else { return }
            set(&model[keyPath: timing], value)
        }
    }
    return [
        seconds("connect_timeout", 0.001...86400) { $0.connectTimeout = $1 },
        seconds("delay_before_retry", 0...86400) { $0.delayBeforeRetry = $1 },
        seconds("warmup", 0...86400) { $0.warmup = $1 },
        {
            let rule = KeywordRule<Model>.custom("retry") { model, statement, context in
                guard context.expectArguments(statement, 1...1),
                      let value = context.integer(statement.arguments[0], for: statement.keyword.text, in: 0...2_147_483_647)
                else { return }
                model[keyPath: timing].retry = value
            }
            return oldRetrySpelling ? rule.alias("nb_get_retry") : rule
        }(),
    ]
}

/// `lvs_method NAT|DR|TUN [...]`; tunnel options are read but not acted on yet.
private func forwardingMethodRule<Model>(_ field: Field<Model, ForwardingMethod>) -> KeywordRule<Model> {
    KeywordRule<Model>.custom("lvs_method") { model, statement, context in
        guard context.expectArguments(statement, 1...8, what: "NAT, DR or TUN") else { return }
        let token = statement.arguments[0]
        guard let method = context.choice(token, for: statement.keyword.text, ["NAT": ForwardingMethod.nat, "DR": .dr, "TUN": .tun])
        else { return }
        if statement.arguments.count > 1 {
            guard method == .tun else {
                context.log.error("unexpected argument '\(statement.arguments[1].text)' after '\(token.text)'",
                                  at: statement.arguments[1].location)
                return
            }
            context.reportNotYetSupportedOption(statement.arguments[1], in: statement.keyword.text)
        }
        model[keyPath: field] = method
    }.alias("lb_kind")
}

enum VirtualServerSchema {
    static let schema = BlockSchema<VirtualServer>("virtual_server", [
        .custom("lvs_sched") { model, statement, context in
            guard context.expectArguments(statement, 1...1, what: "a scheduler") else { return }
            let name = statement.arguments[0].text
            guard LVSSchedulers.names.contains(name) else {
                let hint = Suggestions.closest(to: name, among: LVSSchedulers.names).map { "; did you mean '\($0)'?" } ?? ""
                context.log.error("unknown scheduler '\(name)'; expected one of \(LVSSchedulers.names.joined(separator: ", "))\(hint)",
                                  at: statement.arguments[0].location)
                return
            }
            model.scheduler = name
        }.alias("lb_algo"),
    ] + LVSSchedulers.flags.map { flag in
        // Scheduler flags (ipvsadm -b): recorded as written; the data path decides what each means.
        KeywordRule<VirtualServer>.custom(flag) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            if !model.schedulerFlags.contains(flag) { model.schedulerFlags.append(flag) }
        }
    } + [
        forwardingMethodRule(\.forwardingMethod),
        .custom("persistence_timeout") { model, statement, context in
            guard context.expectArguments(statement, 0...1) else { return }
            guard let token = statement.arguments.first else {
                model.persistenceTimeout = 360
                return
            }
            guard let seconds = context.integer(token, for: "persistence_timeout", in: 0...2_678_400) else { return }
            model.persistenceTimeout = seconds == 0 ? nil : seconds
        },
        .address("persistence_granularity", \.persistenceGranularity),
        .choice("protocol", \.protocol, ["TCP": ServiceProtocol.tcp, "UDP": .udp, "SCTP": .sctp]),
        .integer("quorum", \.quorum, 0...2_147_483_647),
        .integer("hysteresis", \.hysteresis, 0...2_147_483_647),
        .script("quorum_up", \.quorumUp),
        .script("quorum_down", \.quorumDown),
        .custom("sorry_server") { model, statement, context in
            guard context.expectArguments(statement, 1...2, what: "an address and port"),
                  let address = context.address(statement.arguments[0], for: "sorry_server") else { return }
            var port: Int?
            if statement.arguments.count == 2 {
                guard let value = context.integer(statement.arguments[1], for: "sorry_server port", in: 0...65535) else { return }
                port = value
            }
            let inhibit = model.sorryServer?.inhibit ?? false
            model.sorryServer = SorryServer(address: address, port: port, inhibit: inhibit)
            model.source.keywords["sorry_server"] = statement.arguments[0].location
        },
        .custom("sorry_server_inhibit") { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            model.sorryServerInhibitWritten = true as WrittenFlag
        },
        .flag("inhibit_on_failure", \.inhibitOnFailure),
        .flag("alpha", \.alpha),
        .flag("omega", \.omega),
        .flag("ha_suspend", \.haSuspend, optionalBool: false),
        .flag("smtp_alert", \.smtpAlert),
        .string("virtualhost", \.virtualhost),
        .decimal("delay_loop", \.delayLoop, 0.001...86400),
        .custom("real_server", .block) { model, statement, context in
            guard context.expectArguments(statement, 1...2, what: "an address and port"),
                  let address = context.address(statement.arguments[0], for: "real_server") else { return }
            var port: Int?
            if statement.arguments.count == 2 {
                guard let value = context.integer(statement.arguments[1], for: "real_server port", in: 0...65535) else { return }
                port = value
            }
            var server = RealServer(address: address, port: port)
            server.source.declaration = statement.arguments[0].location
            RealServerSchema.schema.apply(statement.block?.statements ?? [], to: &server, context: &context)
            model.realServers.append(server)
        }.repeatable().nested { RealServerSchema.schema.info },
    ] + timingRules(\.checkerDefaults), notYetSupported: KnownKeywords.virtualServer)

    /// `virtual_server IP PORT`, `virtual_server IP` (persistent services only), `fwmark N`, `group NAME`.
    static func serviceAddress(_ statement: Statement, context: inout BuildContext) -> ServiceAddress? {
        let arguments = statement.arguments
        guard context.expectArguments(statement, 1...2, what: "an address and port, 'fwmark N' or 'group NAME'") else { return nil }
        switch arguments[0].text {
        case "fwmark":
            guard arguments.count == 2 else {
                context.log.error("'fwmark' needs a mark number", at: arguments[0].location)
                return nil
            }
            guard let mark = context.integer(arguments[1], for: "fwmark", in: 1...4_294_967_295) else { return nil }
            return ServiceAddress(kind: .fwmark, fwmark: mark)
        case "group":
            guard arguments.count == 2 else {
                context.log.error("'group' needs a virtual_server_group name", at: arguments[0].location)
                return nil
            }
            return ServiceAddress(kind: .group, group: arguments[1].text)
        default:
            guard let address = context.address(arguments[0], for: "virtual_server") else { return nil }
            var port: Int?
            if arguments.count == 2 {
                guard let value = context.integer(arguments[1], for: "virtual_server port", in: 1...65535) else { return nil }
                port = value
            }
            return .endpoint(address, port)
        }
    }

    static let rule = KeywordRule<KeepalivedConfig>.custom("virtual_server", .block) { model, statement, context in
        guard let service = serviceAddress(statement, context: &context) else { return }
        var server = VirtualServer(service: service)
        server.source.declaration = statement.arguments[0].location
        schema.apply(statement.block?.statements ?? [], to: &server, context: &context)
        model.virtualServers.append(server)
    }.repeatable().nested { schema.info }
}

enum RealServerSchema {
    static let schema = BlockSchema<RealServer>("real_server", [
        .integer("weight", \.weight, 0...65535),
        forwardingMethodRule(\.forwardingMethod),
        .script("notify_up", \.notifyUp),
        .script("notify_down", \.notifyDown),
        .integer("uthreshold", \.upperThreshold, 0...2_147_483_647),
        .integer("lthreshold", \.lowerThreshold, 0...2_147_483_647),
        .flag("inhibit_on_failure", \.inhibitOnFailure),
        .flag("alpha", \.alpha),
        .flag("smtp_alert", \.smtpAlert),
        .string("virtualhost", \.virtualhost),
        .decimal("delay_loop", \.checkerDefaults.delayLoop, 0.001...86400),
    ] + timingRules(\.checkerDefaults) + HealthChecker.Kind.allCases.map(CheckerSchemas.rule),
    notYetSupported: KnownKeywords.realServer)
}

enum VirtualServerGroupSchema {
    /// Every line is an entry, so there is no keyword table: `IP [PORT]`, `IP-LAST [PORT]`,
    /// `IP/N [PORT]` or `fwmark N [inet|inet6]`.
    static func readEntries(_ statements: [Statement], into group: inout VirtualServerGroup, context: inout BuildContext) {
        for line in statements {
            if let block = line.block {
                context.log.error("a 'virtual_server_group' entry cannot open a block", at: block.open.location)
                continue
            }
            if let entry = entry(line, context: &context) { group.entries.append(entry) }
        }
    }

    private static func entry(_ line: Statement, context: inout BuildContext) -> VirtualServerGroup.Entry? {
        var entry = VirtualServerGroup.Entry()
        entry.source.declaration = line.keyword.location
        if line.keyword.text == "fwmark" {
            guard context.expectArguments(line, 1...2, what: "a mark number"),
                  let mark = context.integer(line.arguments[0], for: "fwmark", in: 1...4_294_967_295) else { return nil }
            entry.fwmark = mark
            if line.arguments.count == 2 {
                guard let family = context.choice(line.arguments[1], for: "fwmark family", ["inet": IPAddress.Family.ipv4, "inet6": .ipv6])
                else { return nil }
                entry.family = family
            }
            return entry
        }
        guard context.expectArguments(line, 0...1) else { return nil }
        let text = line.keyword.text
        if let dash = text.firstIndex(of: "-") {
            guard let first = IPAddress(text[..<dash]) else {
                context.log.error("'\(text)' is not an address range", at: line.keyword.location)
                return nil
            }
            let rest = text[text.index(after: dash)...]
            if let last = IPAddress(rest), last.family == first.family {
                entry.lastAddress = last
            } else if first.family == .ipv4, let lastOctet = BuildContext.parseInteger(String(rest)), (0...255).contains(lastOctet) {
                entry.lastAddress = IPAddress(ipv4: Array(first.bytes.prefix(3)) + [UInt8(lastOctet)])
            } else if first.family == .ipv6, rest.utf8.count <= 4, let group = Int(rest, radix: 16) {
                entry.lastAddress = IPAddress(ipv6: Array(first.bytes.prefix(14)) + [UInt8(group >> 8), UInt8(group & 0xFF)])
            } else {
                context.log.error("'\(text)' is not an address range", at: line.keyword.location)
                return nil
            }
            entry.address = first
            if let last = entry.lastAddress, last < first {
                context.log.error("address range '\(text)' ends before it starts", at: line.keyword.location)
                return nil
            }
        } else {
            guard let (address, prefix) = VirtualAddressReader.addressWithPrefix(line.keyword, in: "virtual_server_group", context: &context)
            else { return nil }
            entry.address = address
            entry.prefixLength = prefix
        }
        if let portToken = line.arguments.first {
            guard let port = context.integer(portToken, for: "port", in: 0...65535) else { return nil }
            entry.port = port
        }
        return entry
    }

    static let rule = KeywordRule<KeepalivedConfig>.custom("virtual_server_group", .block) { model, statement, context in
        guard context.expectArguments(statement, 1...1, what: "a name") else { return }
        var group = VirtualServerGroup(name: statement.arguments[0].text)
        group.source.declaration = statement.arguments[0].location
        readEntries(statement.block?.statements ?? [], into: &group, context: &context)
        model.virtualServerGroups.append(group)
    }.repeatable()
}
