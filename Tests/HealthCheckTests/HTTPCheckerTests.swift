import Foundation
import NetLab
import Testing
@testable import HealthCheck

// HTTP_GET and SSL_GET against Debian's nginx, and against broken peers written here.
extension CheckerIOTests {
    @Suite(.enabled(if: NginxPeer.unavailableReason == nil))
    final class HTTPCheckerNginxTests {
        let nginx: NginxPeer

        init() async throws { nginx = try await Blocking.run { try NginxPeer() } }
        deinit { nginx.stop() }

        func check(port: Int, _ urls: [URLCheck], virtualhost: String? = nil, tls: TLSOptions? = nil,
                   version: HTTPProtocolVersion = .http11) async throws -> CheckOutcome {
            try await HTTPChecker(target: Endpoint("127.0.0.1", port),
                                  options: HTTPCheckOptions(urls: urls, httpProtocol: version, virtualhost: virtualhost, tls: tls),
                                  timeout: .milliseconds(500), environment: environment).check()
        }

        @Test func healthyPageIsUpWithGenhashDigest() async throws {
            // The digest as an operator would compute it with md5sum on the served file.
            let file = nginx.directory.appendingPathComponent("www/index.html").path
            let md5sum = try await Blocking.run { try Command.run(["md5sum", file]) }
                .output.split(separator: " ").first.map(String.init) ?? ""
            #expect(md5sum == MD5.hex(of: Array(nginx.defaultBody.utf8)))
            for version in HTTPProtocolVersion.allCases {
                #expect(try await check(port: nginx.httpPort, [URLCheck(path: "/", digest: md5sum)], version: version).isUp)
            }
        }

        @Test func wrongDigestOrStatusIsDownAndStatusRangesAreHonoured() async throws {
            #expect(!(try await check(port: nginx.httpPort, [URLCheck(path: "/", digest: String(repeating: "0", count: 32))]).isUp))
            #expect(!(try await check(port: nginx.httpPort, [URLCheck(path: "/missing")]).isUp))
            let accept404 = try StatusCodeSet(parsing: ["200-299", "404"])
            #expect(try await check(port: nginx.httpPort, [URLCheck(path: "/missing", statusCodes: accept404)]).isUp)
            // Every URL must pass.
            #expect(!(try await check(port: nginx.httpPort, [URLCheck(path: "/"), URLCheck(path: "/missing")]).isUp))
        }

        @Test func virtualhostSelectsTheSiteByHostHeader() async throws {
            let named = URLCheck(path: "/", digest: MD5.hex(of: Array(nginx.namedBody.utf8)))
            #expect(try await check(port: nginx.httpPort, [named], virtualhost: "named.test").isUp)
            #expect(!(try await check(port: nginx.httpPort, [named]).isUp))
            var perURL = named
            perURL.virtualhost = "named.test"
            #expect(try await check(port: nginx.httpPort, [perURL], virtualhost: "other.test").isUp)
        }

        @Test func sslGetIsUpOverTLS() async throws {
            let digest = MD5.hex(of: Array(nginx.defaultBody.utf8))
            #expect(try await check(port: nginx.httpsPort, [URLCheck(path: "/", digest: digest)], tls: TLSOptions()).isUp)
        }

        @Test func sniPicksTheCertificate() async throws {
            // Trusting only the sni.test certificate: the handshake passes only if SNI selected it.
            let trustSNI = TLSOptions(enableSNI: true, sniName: "sni.test", caFile: nginx.sniCertificate)
            #expect(try await check(port: nginx.httpsPort, [URLCheck(path: "/")], tls: trustSNI).isUp)
            let noSNI = TLSOptions(enableSNI: false, caFile: nginx.sniCertificate)
            #expect(!(try await check(port: nginx.httpsPort, [URLCheck(path: "/")], tls: noSNI).isUp))
            // Without sni_name the virtualhost is the server name.
            let viaVirtualhost = TLSOptions(enableSNI: true, caFile: nginx.sniCertificate)
            #expect(try await check(port: nginx.httpsPort, [URLCheck(path: "/")], virtualhost: "sni.test", tls: viaVirtualhost).isUp)
        }

        @Test func tlsToAPlainPortAndPlainToATLSPortAreDown() async throws {
            #expect(!(try await check(port: nginx.httpPort, [URLCheck(path: "/")], tls: TLSOptions()).isUp))
            #expect(!(try await check(port: nginx.httpsPort, [URLCheck(path: "/")]).isUp))
        }

        @Test func stoppedServerIsDown() async throws {
            nginx.stop()
            #expect(!(try await check(port: nginx.httpPort, [URLCheck(path: "/")]).isUp))
            #expect(!(try await check(port: nginx.httpsPort, [URLCheck(path: "/")], tls: TLSOptions()).isUp))
        }
    }

    @Suite struct HTTPCheckerBrokenPeerTests {
        func check(_ port: Int, timeout: Duration = .milliseconds(300)) async throws -> CheckOutcome {
            try await HTTPChecker(target: Endpoint("127.0.0.1", port),
                                  options: HTTPCheckOptions(urls: [URLCheck(path: "/")]),
                                  timeout: timeout, environment: environment).check()
        }

        @Test func serverClosingMidResponseIsDown() async throws {
            let server = try LoopbackTCPServer { fd in
                _ = Loopback.readRequestHead(fd)
                Loopback.write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part")
            }
            defer { server.stop() }
            #expect(!(try await check(server.port).isUp))
        }

        @Test func completeAnswerFromTheSameKindOfPeerIsUp() async throws {
            let seenHead = Mutex("")
            let server = try LoopbackTCPServer { fd in
                let head = Loopback.readRequestHead(fd)
                seenHead.withLock { $0 = head }
                Loopback.write(fd, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
            }
            defer { server.stop() }
            #expect(try await check(server.port).isUp)
            let head = seenHead.withLock { $0 }
            #expect(head.hasPrefix("GET / HTTP/1.1"))
            #expect(head.contains("Host: 127.0.0.1:\(server.port)") && head.contains("Connection: close"))
            #expect(!head.lowercased().contains("transfer-encoding") && !head.lowercased().contains("content-length"))
        }

        @Test func bodyEndingAtCloseWithoutLengthIsUp() async throws {
            let server = try LoopbackTCPServer { fd in
                _ = Loopback.readRequestHead(fd)
                Loopback.write(fd, "HTTP/1.0 200 OK\r\n\r\nuntil close")
            }
            defer { server.stop() }
            #expect(try await check(server.port).isUp)
        }

        @Test func silentServerTimesOutAndGarbageIsDown() async throws {
            let silent = try LoopbackTCPServer { _ in usleep(3_000_000) }
            defer { silent.stop() }
            let clock = ContinuousClock()
            let start = clock.now
            #expect(!(try await check(silent.port).isUp))
            #expect(clock.now - start < .milliseconds(1500))
            let garbage = try LoopbackTCPServer { fd in
                _ = Loopback.readRequestHead(fd)
                Loopback.write(fd, "\u{0}\u{1}NOT HTTP AT ALL\r\n\r\n")
            }
            defer { garbage.stop() }
            #expect(!(try await check(garbage.port).isUp))
        }
    }

    @Suite(.enabled(if: DnsmasqPeer.unavailableReason == nil))
    final class DNSCheckerDnsmasqTests {
        let dnsmasq: DnsmasqPeer
        init() async throws { dnsmasq = try await Blocking.run { try DnsmasqPeer() } }
        deinit { dnsmasq.stop() }

        func check(_ type: DNSRecordType, _ name: String) async -> CheckOutcome {
            await DNSChecker(target: Endpoint("127.0.0.1", dnsmasq.port), options: DNSCheckOptions(type: type, name: name),
                             timeout: .milliseconds(300), environment: environment).check()
        }

        @Test func configuredNameIsUpMissingTypeIsDownStoppedIsDown() async throws {
            #expect(await check(.a, "x.test").isUp)
            #expect(!(await check(.a, "unknown.invalid").isUp))
            #expect(!(await check(.mx, "x.test").isUp))
            dnsmasq.stop()
            #expect(!(await check(.a, "x.test").isUp))
        }
    }
}
