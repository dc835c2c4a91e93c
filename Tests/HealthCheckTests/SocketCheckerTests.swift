import Foundation
import Testing
@testable import HealthCheck
#if canImport(Glibc)
import Glibc
#endif

// TCP, SMTP, UDP and DNS checkers against peers this test starts on 127.0.0.1.
let environment = CheckerEnvironment()
let shortTimeout = Duration.milliseconds(300)

extension CheckerIOTests {
    @Suite struct TCPCheckerTests {
        @Test func listeningServerIsUpClosedPortIsDown() async throws {
            let server = try LoopbackTCPServer { _ in }
            defer { server.stop() }
            let up = await TCPChecker(target: Endpoint("127.0.0.1", server.port), timeout: shortTimeout, environment: environment).check()
            #expect(up.isUp)
            let closed = try Loopback.closedPort()
            let down = await TCPChecker(target: Endpoint("127.0.0.1", closed), timeout: shortTimeout, environment: environment).check()
            #expect(!down.isUp)
        }

        @Test func bindtoSetsTheSourceAddress() async throws {
            let server = try LoopbackTCPServer { _ in }
            defer { server.stop() }
            let checker = TCPChecker(target: Endpoint("127.0.0.1", server.port),
                                     options: ConnectionOptions(bindTo: "127.0.0.5"), timeout: shortTimeout, environment: environment)
            #expect(await checker.check().isUp)
            for _ in 0..<50 where server.acceptedPeers.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
            #expect(server.acceptedPeers == ["127.0.0.5"])
        }

        @Test("a connect that gets no answer is down at connect_timeout, and many checks at once each get their own verdict")
        func silentPeerTimesOutAndConcurrentChecksAreIndependent() async throws {
            // A listener that never accepts, with a full backlog: the kernel drops further SYNs,
            // so a connect to it neither completes nor fails before the client's timeout.
            let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(listener) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
            listen(listener, 0)
            let silent = Int(UInt16(bigEndian: address.sin_port))
            var fillers: [Int32] = []
            defer { fillers.forEach { close($0) } }
            for _ in 0..<3 {
                let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
                _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, length) } }
                fillers.append(fd)
            }
            try await Task.sleep(for: .milliseconds(100))

            let server = try LoopbackTCPServer { _ in }
            defer { server.stop() }
            let closed = try Loopback.closedPort()
            let started = ContinuousClock.now
            let verdicts = await withTaskGroup(of: (Int, Bool).self) { group in
                for (index, port) in [silent, server.port, closed, server.port].enumerated() {
                    group.addTask {
                        (index, await TCPChecker(target: Endpoint("127.0.0.1", port), timeout: shortTimeout, environment: environment).check().isUp)
                    }
                }
                var verdicts = [Bool](repeating: false, count: 4)
                for await (index, up) in group { verdicts[index] = up }
                return verdicts
            }
            let elapsed = ContinuousClock.now - started
            #expect(verdicts == [false, true, false, true])
            #expect(elapsed >= shortTimeout && elapsed < .seconds(2), "the silent one waited for its timeout: \(elapsed)")
        }
    }

    @Suite struct SMTPCheckerTests {
        static func responder(banner: String, heloReply: String = "250 ok") throws -> LoopbackTCPServer {
            try LoopbackTCPServer { fd in
                Loopback.write(fd, banner + "\r\n")
                guard let helo = Loopback.readLine(fd), helo.hasPrefix("HELO ") else { return }
                Loopback.write(fd, heloReply + "\r\n")
                if Loopback.readLine(fd)?.hasPrefix("QUIT") == true { Loopback.write(fd, "221 bye\r\n") }
            }
        }

        func check(_ port: Int) async -> CheckOutcome {
            await SMTPChecker(target: Endpoint("127.0.0.1", port), options: SMTPCheckOptions(heloName: "checker.test"),
                              timeout: shortTimeout, environment: environment).check()
        }

        @Test func greetingHeloQuitIsUp() async throws {
            let server = try Self.responder(banner: "220-mail.test ESMTP\r\n220 ready")
            defer { server.stop() }
            #expect(await check(server.port).isUp)
        }

        @Test func wrongBannerOrHeloReplyIsDown() async throws {
            let busy = try Self.responder(banner: "554 no service")
            defer { busy.stop() }
            #expect(!(await check(busy.port).isUp))
            let refusing = try Self.responder(banner: "220 ready", heloReply: "501 bad helo")
            defer { refusing.stop() }
            #expect(!(await check(refusing.port).isUp))
        }

        @Test func silentPeerClosingPeerGarbageAndNoServerAreDown() async throws {
            let silent = try LoopbackTCPServer { _ in usleep(3_000_000) }
            defer { silent.stop() }
            let clock = ContinuousClock()
            let start = clock.now
            #expect(!(await check(silent.port).isUp))
            #expect(clock.now - start < .milliseconds(1500))
            let closing = try LoopbackTCPServer { _ in }
            defer { closing.stop() }
            #expect(!(await check(closing.port).isUp))
            let garbage = try LoopbackTCPServer { fd in Loopback.write(fd, "SSH-2.0-OpenSSH\r\n") }
            defer { garbage.stop() }
            #expect(!(await check(garbage.port).isUp))
            #expect(!(await check(try Loopback.closedPort()).isUp))
        }
    }

    @Suite struct UDPCheckerTests {
        func check(_ port: Int, _ options: UDPCheckOptions) async -> CheckOutcome {
            await UDPChecker(target: Endpoint("127.0.0.1", port), options: options, timeout: .milliseconds(200),
                             environment: environment).check()
        }

        @Test func echoedReplyMatchingThePatternIsUp() async throws {
            let echo = try LoopbackUDPServer { [$0] }
            defer { echo.stop() }
            let options = UDPCheckOptions(payload: [0xCA, 0xFE, 0x01], requireReply: try HexPattern(parsing: "cafe"))
            #expect(await check(echo.port, options).isUp)
            let wrong = UDPCheckOptions(payload: [0xCA, 0xFE], requireReply: try HexPattern(parsing: "beef"))
            #expect(!(await check(echo.port, wrong).isUp))
        }

        @Test func closedPortIsDownThroughTheICMPError() async throws {
            let port = try Loopback.closedPort(type: SOCK_DGRAM)
            #expect(!(await check(port, UDPCheckOptions(payload: [1])).isUp))
        }

        @Test func silenceIsUpUnlessAReplyIsRequired() async throws {
            let silent = try LoopbackUDPServer { _ in [] }
            defer { silent.stop() }
            #expect(await check(silent.port, UDPCheckOptions(payload: [1])).isUp)
            #expect(!(await check(silent.port, UDPCheckOptions(payload: [1], requireReply: .anyReply)).isUp))
        }
    }

    @Suite struct DNSCheckerTests {
        func check(_ port: Int, type: DNSRecordType = .a, name: String = "x.test") async -> CheckOutcome {
            await DNSChecker(target: Endpoint("127.0.0.1", port), options: DNSCheckOptions(type: type, name: name),
                             timeout: .milliseconds(300), environment: environment).check()
        }

        /// Answers every query for `name` with records of `answers`, echoing the query's ID.
        static func responder(answers: [UInt16], rcode: UInt8 = 0, idOffset: UInt16 = 0) throws -> LoopbackUDPServer {
            try LoopbackUDPServer { request in
                guard request.count >= 12 else { return [] }
                var reply = request
                let id = (UInt16(request[0]) << 8 | UInt16(request[1])) &+ idOffset
                reply[0] = UInt8(id >> 8); reply[1] = UInt8(id & 0xff)
                reply[2] = 0x81; reply[3] = 0x80 | rcode
                reply[7] = UInt8(answers.count)
                for type in answers {
                    reply += [0xC0, 12, UInt8(type >> 8), UInt8(type & 0xff), 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 7]
                }
                return [reply]
            }
        }

        @Test func answerOfTheAskedTypeIsUp() async throws {
            let server = try Self.responder(answers: [1])
            defer { server.stop() }
            #expect(await check(server.port).isUp)
            #expect(!(await check(server.port, type: .aaaa).isUp))
        }

        @Test func errorsWrongIDGarbageSilenceAndNoServerAreDown() async throws {
            let nxdomain = try Self.responder(answers: [], rcode: 3)
            let wrongID = try Self.responder(answers: [1], idOffset: 1)
            let garbage = try LoopbackUDPServer { _ in [[0xde, 0xad, 0xbe, 0xef, 0x01]] }
            let silent = try LoopbackUDPServer { _ in [] }
            defer { [nxdomain, wrongID, garbage, silent].forEach { $0.stop() } }
            #expect(!(await check(nxdomain.port).isUp))
            #expect(!(await check(wrongID.port).isUp))
            #expect(!(await check(garbage.port).isUp))
            #expect(!(await check(silent.port).isUp))
            #expect(!(await check(try Loopback.closedPort(type: SOCK_DGRAM)).isUp))
        }
    }
}

/// A tiny lock-protected box for values set on server threads.
final class Mutex<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func withLock<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}
