// Health checker blocks inside real_server: TCP_CHECK, HTTP_GET, SSL_GET (with url blocks),
// MISC_CHECK, PING_CHECK, UDP_CHECK, DNS_CHECK, SMTP_CHECK, FILE_CHECK. They share the connection
// and timing keywords; each adds its own.

extension HealthChecker: SourceMapped {}
extension URLCheck: SourceMapped {}

enum CheckerSchemas {
    private static let common: [KeywordRule<HealthChecker>] = [
        .address("connect_ip", \.connectIP),
        .integer("connect_port", \.connectPort, 0...65535),
        .address("bindto", \.bindTo),
        .integer("bind_port", \.bindPort, 0...65535),
        .string("bind_if", \.bindInterface),
        .integer("fwmark", \.fwmark, 0...4_294_967_295),
        .flag("alpha", \.alpha),
        .flag("log_all_failures", \.logAllFailures),
        .decimal("delay_loop", \.written.delayLoop, 0.001...86400),
    ] + timingRules(\.written, oldRetrySpelling: true)

    private static let http: [KeywordRule<HealthChecker>] = [
        .custom("url", .block) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            var url = URLCheck()
            url.source.declaration = statement.keyword.location
            URLSchema.schema.apply(statement.block?.statements ?? [], to: &url, context: &context)
            if url.path.isEmpty {
                context.log.error("'url' block needs a 'path'", at: statement.keyword.location)
                return
            }
            model.http!.urls.append(url)
        }.repeatable().nested { URLSchema.schema.info },
        .choice("http_protocol", \.http!.httpProtocol, ["1.0": "1.0", "1.0C": "1.0C", "1.1": "1.1"]),
        .string("virtualhost", \.http!.virtualhost),
        .flag("fast_recovery", \.http!.fastRecovery),
    ]

    static let tcp = BlockSchema<HealthChecker>("TCP_CHECK", common)
    static let ping = BlockSchema<HealthChecker>("PING_CHECK", common)
    static let httpGet = BlockSchema<HealthChecker>("HTTP_GET", common + http, notYetSupported: KnownKeywords.checker)
    static let sslGet = BlockSchema<HealthChecker>("SSL_GET", common + http + [
        .flag("enable_sni", \.http!.enableSNI, optionalBool: false),
    ], notYetSupported: KnownKeywords.checker)
    static let misc = BlockSchema<HealthChecker>("MISC_CHECK", common + [
        .custom("misc_path") { model, statement, context in
            guard context.expectArguments(statement, 1...Int.max, what: "a command") else { return }
            model.misc!.path = statement.arguments.map(\.text).joined(separator: " ")
        },
        .decimal("misc_timeout", \.misc!.timeout, 0.001...86400),
        .flag("misc_dynamic", \.misc!.dynamic, optionalBool: false),
        .user("user", \.misc!.user),
    ])
    static let dns = BlockSchema<HealthChecker>("DNS_CHECK", common + [
        .choice("type", \.dns!.type, ["A": "A", "NS": "NS", "CNAME": "CNAME", "SOA": "SOA", "MX": "MX", "TXT": "TXT", "AAAA": "AAAA"]),
        .string("name", \.dns!.name),
    ])
    static let smtp = BlockSchema<HealthChecker>("SMTP_CHECK", common + [
        .string("helo_name", \.smtp!.heloName),
    ], notYetSupported: ["host"])
    static let udp = BlockSchema<HealthChecker>("UDP_CHECK", common + [
        .string("payload", \.udp!.payload),
        .custom("require_reply") { model, statement, context in
            guard context.expectArguments(statement, 0...Int.max) else { return }
            model.udp!.requiresReply = true
            if !statement.arguments.isEmpty { model.udp!.requireReply = statement.arguments.map(\.text).joined(separator: " ") }
        },
        .integer("min_reply_length", \.udp!.minimumReplyLength, 0...65535),
        .integer("max_reply_length", \.udp!.maximumReplyLength, 0...65535),
    ])
    static let file = BlockSchema<HealthChecker>("FILE_CHECK", [
        .string("track_file", \.file!.trackFile),
        .flag("dynamic", \.file!.dynamic, optionalBool: false),
        .custom("weight") { model, statement, context in
            guard context.expectArguments(statement, 1...2),
                  let weight = context.integer(statement.arguments[0], for: "weight", in: -2_147_483_647...2_147_483_647)
            else { return }
            model.file!.weight = weight
            if statement.arguments.count == 2 {
                guard statement.arguments[1].text == "reverse" else {
                    context.log.error("'weight' takes only 'reverse' after the value; got '\(statement.arguments[1].text)'",
                                      at: statement.arguments[1].location)
                    return
                }
                model.file!.reverse = true
            }
        },
    ])

    static func schema(for kind: HealthChecker.Kind) -> BlockSchema<HealthChecker> {
        switch kind {
        case .tcp: return tcp
        case .http: return httpGet
        case .ssl: return sslGet
        case .misc: return misc
        case .ping: return ping
        case .udp: return udp
        case .dns: return dns
        case .smtp: return smtp
        case .file: return file
        }
    }

    /// The real_server keyword that opens a checker block of this kind.
    static func rule(_ kind: HealthChecker.Kind) -> KeywordRule<RealServer> {
        KeywordRule<RealServer>.custom(kind.rawValue, .block) { model, statement, context in
            guard context.expectArguments(statement, 0...0) else { return }
            var checker = HealthChecker(type: kind)
            checker.source.declaration = statement.keyword.location
            schema(for: kind).apply(statement.block?.statements ?? [], to: &checker, context: &context)
            if kind == .misc, checker.misc?.path.isEmpty ?? true {
                context.log.error("'MISC_CHECK' needs a 'misc_path'", at: statement.keyword.location)
            }
            if kind == .file, checker.file?.trackFile.isEmpty ?? true {
                context.log.error("'FILE_CHECK' needs a 'track_file'", at: statement.keyword.location)
            }
            model.checkers.append(checker)
        }.repeatable().nested { schema(for: kind).info }
    }
}

enum URLSchema {
    static let schema = BlockSchema<URLCheck>("url", [
        .string("path", \.path),
        .custom("digest") { model, statement, context in
            guard context.expectArguments(statement, 1...1, what: "an MD5 digest") else { return }
            let digest = statement.arguments[0].text
            guard digest.utf8.count == 32, digest.utf8.allSatisfy({ LineLexer.hexValue($0) != nil }) else {
                context.log.error("'digest' must be 32 hexadecimal digits (an MD5 sum, as genhash prints it); got '\(digest)'",
                                  at: statement.arguments[0].location)
                return
            }
            model.digest = digest.lowercased()
        },
        .custom("status_code") { model, statement, context in
            guard context.expectArguments(statement, 1...Int.max, what: "a status code or range such as 200-299") else { return }
            var ranges: [StatusCodeRange] = []
            for token in statement.arguments {
                let parts = token.text.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                guard let from = BuildContext.parseInteger(String(parts[0])),
                      let to = parts.count == 2 ? BuildContext.parseInteger(String(parts[1])) : from else {
                    context.log.error("'status_code' needs codes or ranges such as 200 or 200-299; got '\(token.text)'", at: token.location)
                    return
                }
                guard (100...999).contains(from), (100...999).contains(to), from <= to else {
                    context.log.error("HTTP status codes must be between 100 and 999 (a range low-high); got '\(token.text)'",
                                      at: token.location)
                    return
                }
                ranges.append(StatusCodeRange(from: from, to: to))
            }
            model.statusCodes = ranges
        },
        .string("virtualhost", \.virtualhost),
    ], notYetSupported: KnownKeywords.url)
}
