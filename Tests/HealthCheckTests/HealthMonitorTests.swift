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

        @Test("many TCP_CHECKs recorded in batches: each result goes to its own real")
        func batchedResultsReachTheirOwnReals() async throws {
            let servers = try (0..<8).map { _ in try LoopbackTCPServer { _ in } }
            defer { servers.forEach { $0.stop() } }
            let closed = try (0..<8).map { _ in try Loopback.closedPort() }
            // Live and dead reals interleaved, so that a result given to its neighbour shows.
            let endpoints = zip(servers.map(\.port), closed).flatMap { [Endpoint("127.0.0.1", $0), Endpoint("127.0.0.1", $1)] }
            let timing = CheckTiming(delayLoop: .milliseconds(100), connectTimeout: .milliseconds(300), retry: 0,
                                     warmup: .milliseconds(50))
            let service = VirtualServerHealthConfiguration(
                name: "many", reals: endpoints.map { RealServerHealthConfiguration(endpoint: $0, checkers: [CheckerConfiguration(.tcp)]) },
                timing: timing)
            let monitor = try HealthMonitor(services: [service])
            let run = Task { await monitor.run() }
            var downs: Set<Endpoint> = []
            var iterator = monitor.events.makeAsyncIterator()
            while downs.count < closed.count, let event = await iterator.next() {
                if case .realServerDown(let id, _) = event { downs.insert(id.endpoint) }
                if case .realServerUp(let id, _) = event, downs.contains(id.endpoint) {
                    Issue.record("\(id.endpoint) came back though nothing listens there")
                }
            }
            #expect(downs == Set(closed.map { Endpoint("127.0.0.1", $0) }))
            // A few more rounds: the live reals stay in the pool.
            try await Task.sleep(for: .milliseconds(300))
            #expect(await monitor.pool(of: "many").map { Set($0.map(\.endpoint)) } == Set(servers.map { Endpoint("127.0.0.1", $0.port) }))
            run.cancel()
            await run.value
        }
    }
}
