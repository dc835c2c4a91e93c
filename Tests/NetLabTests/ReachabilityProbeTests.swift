// The failover probe's own accuracy: it keeps its pace while nothing answers, and the gap it
// reports lies within the window in which the link was really down.
import Foundation
import NetLab
import Testing

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root and network namespaces"), .serialized)
struct ReachabilityProbeTests {
    @Test func anOutageIsMeasuredToWithinTheProbeInterval() async throws {
        let lab = try Lab("probe")
        defer { lab.tearDown() }
        let client = try lab.namespace("client")
        let server = try lab.namespace("server")
        try lab.link(client, "eth0", server, "eth0")
        try client.addAddress("198.51.100.1/24", dev: "eth0")
        try server.addAddress("198.51.100.2/24", dev: "eth0")
        try client.run("ping", "-c", "1", "-W", "2", "198.51.100.2")

        let probe = try ReachabilityProbe(from: client, to: "198.51.100.2", interval: .milliseconds(2), duration: .seconds(2))
        try await Task.sleep(for: .milliseconds(500))
        // The outage: the server's replies go to a blackhole route. (A link set down would also
        // reset ARP on both ends, whose 1 s retransmission then lengthens the outage itself.)
        let downStarted = Date().timeIntervalSince1970
        try server.run("ip", "route", "add", "blackhole", "198.51.100.1/32")
        let downEnded = Date().timeIntervalSince1970
        try await Task.sleep(for: .milliseconds(300))
        let upStarted = Date().timeIntervalSince1970
        try server.run("ip", "route", "del", "blackhole", "198.51.100.1/32")
        let upEnded = Date().timeIntervalSince1970
        let report = probe.finish()

        let gap = report.longestGap
        let bounds = try #require(report.longestGapBounds)
        print("probe: \(report.sent) sent, \(report.replies.count) answered, longest gap \(String(format: "%.1f", gap * 1000)) ms; "
              + "replies dropped for \(String(format: "%.1f", (upStarted - downEnded) * 1000))-\(String(format: "%.1f", (upEnded - downStarted) * 1000)) ms")
        // Paced by its own clock, not by the replies: requests kept going out during the outage.
        #expect(report.sent >= 900, "\(report.sent) requests in 2 s at 2 ms")
        // The gap lies within the outage window, widened by one probe interval and a little
        // scheduling slack.
        #expect(bounds.start <= downEnded + 0.003 && bounds.end >= upStarted - 0.001, "\(bounds) vs \(downStarted)...\(upEnded)")
        #expect(gap >= upStarted - downEnded - 0.003)
        #expect(gap <= upEnded - downStarted + 0.008, "gap \(gap) for an outage of \(upEnded - downStarted) s at the most")
        // Outside the outage nearly every request is answered.
        #expect(report.replies.count >= report.sent - Int((upEnded - downStarted) / 0.002) - 50)
    }
}
