import Testing
@testable import HealthCheck

@Suite struct MD5Tests {
    // RFC 1321 appendix A.5 test suite.
    @Test(arguments: [
        ("", "d41d8cd98f00b204e9800998ecf8427e"),
        ("a", "0cc175b9c0f1b6a831c399e269772661"),
        ("abc", "900150983cd24fb0d6963f7d28e17f72"),
        ("message digest", "f96b697d7cb7938d525a2f31aaf161d0"),
        ("abcdefghijklmnopqrstuvwxyz", "c3fcd3d76192e4007dfb496cca67e13b"),
        ("12345678901234567890123456789012345678901234567890123456789012345678901234567890",
         "57edf4a22be3c955ac49da2e2107b67a"),
    ])
    func rfc1321Vectors(input: String, digest: String) {
        #expect(MD5.hex(of: Array(input.utf8)) == digest)
    }

    @Test func incrementalUpdatesMatchOneShot() {
        let data = (0..<1000).map { UInt8($0 % 251) }
        var md5 = MD5()
        md5.update(data[..<63]); md5.update(data[63..<64]); md5.update(data[64..<500]); md5.update(data[500...])
        let incremental = md5.finalize().map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
        #expect(incremental == MD5.hex(of: data))
    }
}

@Suite struct StatusCodeSetTests {
    @Test func parsesKeepalivedSyntax() throws {
        let set = try StatusCodeSet(parsing: ["200-299", "302"])
        #expect(set.contains(200) && set.contains(299) && set.contains(302))
        #expect(!set.contains(301) && !set.contains(404))
        #expect(set.description == "200-299 302")
        #expect(StatusCodeSet.success.contains(204) && !StatusCodeSet.success.contains(302))
    }

    @Test(arguments: [["abc"], ["299-200"], ["99"], ["200-"], []])
    func rejectsBadWords(words: [String]) {
        #expect(throws: StatusCodeSetError.self) { try StatusCodeSet(parsing: words) }
    }
}

@Suite struct HexPatternTests {
    @Test func freeFormatAsInTheManPage() throws {
        let pattern = try HexPattern(parsing: "Ab12f 3 456 546443123")
        #expect(pattern.literalBytes == [0xAB, 0x12, 0x0F, 0x03, 0x45, 0x06, 0x54, 0x64, 0x43, 0x12, 0x03])
    }

    @Test func wildcardNibblesMatchAnything() throws {
        let pattern = try HexPattern(parsing: "01X3 ff")
        #expect(pattern.matches([0x01, 0xA3, 0xFF]))
        #expect(pattern.matches([0x01, 0x03]))            // only up to the shorter length
        #expect(!pattern.matches([0x01, 0xA4, 0xFF]))
        #expect(!pattern.matches([0x01, 0xA3, 0xFE]))
    }

    @Test func rejectsNonHex() {
        #expect(throws: HexPatternError.self) { try HexPattern(parsing: "12 zz") }
        #expect(throws: HexPatternError.self) { try HexPattern(parsing: "1x", allowWildcards: false) }
    }
}

@Suite struct HTTPProbeTests {
    @Test func requestCarriesHostAndConnectionCloseAsKeepalivedSends() {
        let request = HTTPProbe.request(path: "/health", host: "www.example.test", port: 8080, tls: false, version: .http11)
        #expect(request == "GET /health HTTP/1.1\r\nUser-Agent: KeepAliveClient\r\nHost: www.example.test:8080\r\nConnection: close\r\n\r\n")
        let plain = HTTPProbe.request(path: "/", host: "192.0.2.1", port: 80, tls: false, version: .http10)
        #expect(plain == "GET / HTTP/1.0\r\nUser-Agent: KeepAliveClient\r\nHost: 192.0.2.1\r\n\r\n")
        let closing = HTTPProbe.request(path: "/", host: "2001:db8::1", port: 443, tls: true, version: .http10Close)
        #expect(closing.contains("Host: [2001:db8::1]\r\nConnection: close"))
        #expect(closing.hasPrefix("GET / HTTP/1.0\r\n"))
    }

    @Test func verdictChecksStatusThenDigest() {
        let url = URLCheck(path: "/", digest: "D41D8CD98F00B204E9800998ECF8427E", statusCodes: StatusCodeSet([200...200]))
        #expect(HTTPProbe.verdict(for: url, status: 200, bodyMD5: "d41d8cd98f00b204e9800998ecf8427e").isUp)
        #expect(!HTTPProbe.verdict(for: url, status: 200, bodyMD5: "00000000000000000000000000000000").isUp)
        #expect(!HTTPProbe.verdict(for: url, status: 201, bodyMD5: "d41d8cd98f00b204e9800998ecf8427e").isUp)
    }
}

@Suite struct DNSMessageTests {
    @Test func queryEncodesHeaderQuestionAndType() throws {
        let bytes = try DNSQuery(id: 0xBEEF, name: "x.test", type: .a).encode()
        #expect(bytes == [0xBE, 0xEF, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,
                          1, 0x78, 4, 0x74, 0x65, 0x73, 0x74, 0, 0, 1, 0, 1])
        #expect(try DNSQuery(id: 1, name: ".", type: .soa).encode().suffix(5) == [0, 0, 6, 0, 1])
    }

    @Test func rejectsOverlongLabels() {
        #expect(throws: DNSError.self) { try DNSQuery(id: 1, name: String(repeating: "a", count: 64) + ".test", type: .a).encode() }
    }

    /// A response to `query` with the given rcode and answer types (names compressed to the question).
    static func response(to query: DNSQuery, id: UInt16? = nil, rcode: UInt8 = 0, answers: [UInt16]) throws -> [UInt8] {
        var bytes = try query.encode()
        let responseID = id ?? query.id
        bytes[0] = UInt8(responseID >> 8); bytes[1] = UInt8(responseID & 0xff)
        bytes[2] = 0x81; bytes[3] = 0x80 | rcode
        bytes[7] = UInt8(answers.count)
        for type in answers {
            bytes += [0xC0, 12, UInt8(type >> 8), UInt8(type & 0xff), 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 192, 0, 2, 7]
        }
        return bytes
    }

    @Test func responseRules() throws {
        let query = DNSQuery(id: 77, name: "x.test", type: .a)
        #expect(try DNSResponse(decoding: Self.response(to: query, answers: [1])).violation(of: query) == nil)
        #expect(try DNSResponse(decoding: Self.response(to: query, answers: [5, 1])).violation(of: query) == nil)
        #expect(try DNSResponse(decoding: Self.response(to: query, answers: [])).violation(of: query) == .noAnswer(.a))
        #expect(try DNSResponse(decoding: Self.response(to: query, answers: [28])).violation(of: query) == .noAnswer(.a))
        #expect(try DNSResponse(decoding: Self.response(to: query, rcode: 3, answers: [1])).violation(of: query) == .rcode(3))
        #expect(try DNSResponse(decoding: Self.response(to: query, id: 78, answers: [1])).violation(of: query)
                == .idMismatch(expected: 77, got: 78))
        #expect(try DNSResponse(decoding: query.encode()).violation(of: query) == .notAResponse)
    }

    @Test func garbageIsAnErrorNotATrap() throws {
        let query = DNSQuery(id: 77, name: "x.test", type: .a)
        let good = try Self.response(to: query, answers: [1])
        for length in 0..<good.count {
            #expect(throws: DNSError.self) { try DNSResponse(decoding: Array(good.prefix(length))) }
        }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let junk = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = try? DNSResponse(decoding: junk)
        }
    }
}

@Suite struct SMTPReplyTests {
    @Test func multilineRepliesCompleteOnTheLastLine() {
        var reader = SMTPReplyReader()
        #expect(reader.feed(Array("220 mail.test ESMTP\r\n250-mail.test\r\n250-SIZE 1".utf8)) == .success([220]))
        #expect(reader.feed(Array("0\r\n250 HELP\r\n".utf8)) == .success([250]))
    }

    @Test func garbageIsAnError() {
        var reader = SMTPReplyReader()
        if case .success = reader.feed(Array("HTTP/1.1 400 Bad\r\n".utf8)) { Issue.record("accepted garbage") }
        var endless = SMTPReplyReader()
        if case .success = endless.feed([UInt8](repeating: 0x41, count: 5000)) { Issue.record("accepted an endless line") }
    }
}

@Suite struct ICMPEchoTests {
    @Test func requestChecksumVerifiesAndRepliesParse() {
        let request = ICMPEcho.request(v6: false, identifier: 0x1234, sequence: 7, payload: [1, 2, 3])
        #expect(ICMPEcho.checksum(request) == 0)
        var reply = request
        reply[0] = 0
        #expect(ICMPEcho.parseReply(reply[...], v6: false) == ICMPEcho.Reply(identifier: 0x1234, sequence: 7))
        #expect(ICMPEcho.parseReply(request[...], v6: false) == nil)
        let withIP: [UInt8] = [0x45] + [UInt8](repeating: 0, count: 19) + reply
        #expect(ICMPEcho.stripIPv4Header(withIP).map(Array.init) == reply)
        #expect(ICMPEcho.stripIPv4Header([0x46, 0]) == nil)
    }
}

@Suite struct VerdictTests {
    @Test func miscExitCodes() {
        #expect(MiscChecker.verdict(.exited(0), dynamic: false, script: "s") == .up())
        #expect(!MiscChecker.verdict(.exited(1), dynamic: true, script: "s").isUp)
        #expect(!MiscChecker.verdict(.exited(7), dynamic: false, script: "s").isUp)
        #expect(MiscChecker.verdict(.exited(7), dynamic: true, script: "s") == .up(.set(5)))
        #expect(MiscChecker.verdict(.exited(255), dynamic: true, script: "s") == .up(.set(253)))
        #expect(!MiscChecker.verdict(.timedOut, dynamic: true, script: "s").isUp)
        #expect(!MiscChecker.verdict(.signaled(9), dynamic: true, script: "s").isUp)
        #expect(!MiscChecker.verdict(.refused("insecure"), dynamic: true, script: "s").isUp)
    }

    @Test func trackFileValues() {
        let plain = FileCheckOptions(path: "/f")
        #expect(FileChecker.verdict("0\n", options: plain) == .up())
        #expect(!FileChecker.verdict("3", options: plain).isUp)
        #expect(!FileChecker.verdict("x", options: plain).isUp)
        #expect(!FileChecker.verdict("", options: plain).isUp)
        #expect(FileChecker.verdict(" 5 ", options: FileCheckOptions(path: "/f", weight: 3)) == .up(.add(15)))
        #expect(FileChecker.verdict("5", options: FileCheckOptions(path: "/f", weight: 3, reverse: true)) == .up(.add(-15)))
        #expect(FileChecker.verdict("9223372036854775807", options: FileCheckOptions(path: "/f", weight: -2))
                == .up(.add(Int(Int32.min))))
    }

    @Test func udpReplyRules() throws {
        let target = Endpoint("127.0.0.1", 9)
        let none = UDPCheckOptions()
        #expect(UDPChecker.verdict(.silence, options: none, target: target).isUp)
        #expect(!UDPChecker.verdict(.failed("refused"), options: none, target: target).isUp)
        let required = UDPCheckOptions(requireReply: try HexPattern(parsing: "ab"), minReplyLength: 1, maxReplyLength: 4)
        #expect(!UDPChecker.verdict(.silence, options: required, target: target).isUp)
        #expect(UDPChecker.verdict(.reply([0xAB, 1]), options: required, target: target).isUp)
        #expect(!UDPChecker.verdict(.reply([0xAC, 1]), options: required, target: target).isUp)
        #expect(!UDPChecker.verdict(.reply([0xAB, 1, 2, 3, 4]), options: required, target: target).isUp)
    }

    @Test func scriptProgramIsTheFirstWord() {
        #expect(ScriptCommand("/usr/bin/check.sh --fast 1").program == "/usr/bin/check.sh")
        #expect(ScriptCommand("'/opt/my dir/check' x").program == "/opt/my dir/check")
        #expect(ScriptCommand("  true").program == "true")
    }
}
