import Foundation
import Testing
@testable import HealthCheck

// The monitor end to end on the real clock: TCP_CHECKs against a server the test stops and
// starts again, events arriving on the stream, and notify scripts run.
extension CheckerIOTests {
    @Suite struct HealthMonitorTests {
        @Test func realGoesDownAndComesBackWithEventsAndNotifyScripts() async throws {
            let directory = try Peers.temporaryDirectory("monitor")
            let notifyLog = directory.appendingPathComponent("notify.log").path
            let server = try LoopbackTCPServer { _ in }
            let timing = CheckTiming(delayLoop: .milliseconds(100), connectTimeout: .milliseconds(200), retry: 1,
                                     delayBeforeRetry: .milliseconds(50), warmup: .zero)
            let real = RealServerHealthConfiguration(
                endpoint: Endpoint("127.0.0.1", server.port),
                notifyUp: ScriptCommand("echo up >> \(notifyLog)"), notifyDown: ScriptCommand("echo down >> \(notifyLog)"),
                checkers: [CheckerConfiguration(.tcp)])
            let closedPort = try Loopback.closedPort()
            let dead = RealServerHealthConfiguration(endpoint: Endpoint("127.0.0.1", closedPort), checkers: [CheckerConfiguration(.tcp)])
            let service = VirtualServerHealthConfiguration(name: "web", reals: [real, dead], quorum: 1, timing: timing)
            let monitor = try HealthMonitor(services: [service])
            let run = Task { await monitor.run() }
            let realID = RealServerID(virtualServer: "web", endpoint: real.endpoint)
            let deadID = RealServerID(virtualServer: "web", endpoint: dead.endpoint)

            var iterator = monitor.events.makeAsyncIterator()
            func next(_ predicate: (HealthEvent) -> Bool) async -> HealthEvent? {
                while let event = await iterator.next() { if predicate(event) { return event } }
                return nil
            }
            #expect(await next { $0 == .realServerDown(deadID, inhibited: false) } != nil)
            server.stop()
            #expect(await next { $0 == .realServerDown(realID, inhibited: false) } != nil)
            #expect(await next { $0.isQuorumLost } != nil)
            var restarted: LoopbackTCPServer?
            for _ in 0..<50 where restarted == nil {
                restarted = try? LoopbackTCPServer(port: server.port) { _ in }
                if restarted == nil { try await Task.sleep(for: .milliseconds(20)) }
            }
            let again = try #require(restarted)
            defer { again.stop() }
            #expect(await next { $0 == .realServerUp(realID, weight: 1) } != nil)
            #expect(await next { $0.isQuorumRegained } != nil)
            #expect(await monitor.pool(of: "web") == [PoolMember(endpoint: real.endpoint, weight: 1)])
            run.cancel()
            await run.value
            let log = try String(contentsOfFile: notifyLog, encoding: .utf8)
            #expect(log == "down\nup\n")
        }
    }
}
