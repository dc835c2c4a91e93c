// Every keyword keepalived knows but xdpha does not act on yet is a warning naming it (never
// silently dropped), and --strict makes it an error.
import Testing
@testable import Config

@Suite struct UnsupportedKeywordTests {
    /// Text around a statement that puts it inside the named block.
    static let placements: [String: (before: String, after: String)] = [
        TopLevelSchema.name: ("", ""),
        "global_defs": ("global_defs {\n", "}\n"),
        "vrrp_instance": ("vrrp_instance V {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 192.0.2.1 }\n", "}\n"),
        "vrrp_sync_group": ("""
            vrrp_instance A {\n interface eth0\n virtual_router_id 1\n virtual_ipaddress { 192.0.2.1 }\n}
            vrrp_instance B {\n interface eth0\n virtual_router_id 2\n virtual_ipaddress { 192.0.2.2 }\n}
            vrrp_sync_group G {\n group { A B }\n
            """, "}\n"),
        "virtual_server": ("virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n }\n", "}\n"),
        "real_server": ("virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n", " }\n}\n"),
        "HTTP_GET": ("virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n  HTTP_GET {\n   url { path / }\n", "  }\n }\n}\n"),
        "SSL_GET": ("virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n  SSL_GET {\n   url { path / }\n", "  }\n }\n}\n"),
        "SMTP_CHECK": ("virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n  SMTP_CHECK {\n", "  }\n }\n}\n"),
        "url": ("virtual_server 192.0.2.1 80 {\n real_server 198.51.100.1 80 {\n  HTTP_GET {\n   url {\n    path /\n", "   }\n  }\n }\n}\n"),
    ]

    static let cases: [(block: String, keyword: String)] = SchemaDirectory.blocks.flatMap { block in
        block.keywords.subtracting(block.supportedKeywords).sorted().map { (block.name, $0) }
    }

    @Test func everyBlockWithUnsupportedKeywordsIsPlaced() {
        let blocks = Set(Self.cases.map(\.block))
        #expect(blocks.subtracting(Self.placements.keys).isEmpty, "no placement for \(blocks.subtracting(Self.placements.keys))")
        #expect(Self.cases.count > 150)
    }

    /// Settings read into the model whose behaviour xdpha does not carry out yet, with the line
    /// each is reported at (the instance-level keyword, else the global default that reached it).
    static let notActedOn: [(text: String, keyword: String, line: Int)] = [
        ("vrrp_instance V {\n no_accept\n", "no_accept", 2),
        ("vrrp_instance V {\n strict_mode\n", "strict_mode", 2),
        ("global_defs {\n vrrp_strict\n}\nvrrp_instance V {\n", "vrrp_strict", 2),
        ("vrrp_instance V {\n down_timer_adverts 5\n", "down_timer_adverts", 2),
        ("global_defs {\n vrrp_down_timer_adverts 5\n}\nvrrp_instance V {\n", "vrrp_down_timer_adverts", 2),
        ("vrrp_instance V {\n check_unicast_src\n", "check_unicast_src", 2),
        ("global_defs {\n vrrp_check_unicast_src\n}\nvrrp_instance V {\n", "vrrp_check_unicast_src", 2),
        ("vrrp_instance V {\n higher_prio_send_advert\n", "higher_prio_send_advert", 2),
        ("vrrp_instance V {\n smtp_alert\n", "smtp_alert", 2),
        ("global_defs {\n smtp_alert\n}\nvrrp_instance V {\n", "smtp_alert", 2),
    ]

    @Test(arguments: notActedOn.indices)
    func settingsNotCarriedOutWarnAndStrictRejects(_ index: Int) {
        let (start, keyword, line) = Self.notActedOn[index]
        let text = start + " interface eth0\n virtual_router_id 1\n priority 100\n virtual_ipaddress { 192.0.2.1 }\n}\n"
        let relaxed = load(text)
        let warning = relaxed.warnings.first { $0.message.hasPrefix("'\(keyword)' is accepted but not supported yet: ") }
        #expect(warning?.location?.line == Int32(line), "\(relaxed.rendered())")
        #expect(relaxed.errors.isEmpty, "\(relaxed.rendered())")
        #expect(relaxed.config.unsupportedKeywords.contains { $0.hasPrefix("test.conf:\(line): ") && $0.hasSuffix(" \(keyword)") })
        let strict = load(text, options: LoadOptions(strict: true))
        let error = strict.errors.first { $0.message.hasPrefix("'\(keyword)' is accepted but not supported yet: ") }
        #expect(error?.message.hasSuffix(" (--strict)") == true && error?.location?.line == Int32(line), "\(strict.rendered())")
    }

    @Test(arguments: cases.map { "\($0.block)|\($0.keyword)" })
    func warnsAndStrictRejects(_ entry: String) throws {
        let parts = entry.split(separator: "|").map(String.init)
        let placement = try #require(Self.placements[parts[0]])
        let text = placement.before + "\(parts[1]) x\n" + placement.after
        let relaxed = load(text)
        #expect(relaxed.errors.isEmpty, "\(relaxed.rendered())")
        #expect(relaxed.warnings.map(\.message).contains("'\(parts[1])' is accepted but not supported yet"))
        #expect(relaxed.config.unsupportedKeywords.contains { $0.hasSuffix("\(parts[0]) \(parts[1])") })
        let strict = load(text, options: LoadOptions(strict: true))
        #expect(strict.errors.map(\.message).contains("'\(parts[1])' is accepted but not supported yet (--strict)"))
    }
}
