import Foundation
import NetLab
import Testing
@testable import HealthCheck

// PING_CHECK inside a lab: the ICMP socket is opened inside the checker's namespace, which has
// a veth to a peer namespace holding 192.0.2.2.
extension CheckerIOTests {
    @Suite(.enabled(if: Lab.unavailableReason == nil))
    struct PingCheckerTests {
        @Test func answeringHostIsUpMissingHostIsDown() async throws {
            let lab = try Lab("ping")
            defer { lab.tearDown() }
            let checker = try lab.namespace("chk")
            let peer = try lab.namespace("peer")
            try lab.link(checker, "eth0", peer, "eth0")
            try checker.addAddress("192.0.2.1/24", dev: "eth0")
            try peer.addAddress("192.0.2.2/24", dev: "eth0")
            try checker.addAddress("2001:db8::1/64", dev: "eth0")
            try peer.addAddress("2001:db8::2/64", dev: "eth0")

            let v4 = try checker.perform { try ICMPSocket(ipv6: false) }
            let v6 = try checker.perform { try ICMPSocket(ipv6: true) }
            defer { v4.close(); v6.close() }
            let sockets = ICMPSockets(v4: v4, v6: v6)
            #expect(await PingChecker(target: "192.0.2.2", timeout: .milliseconds(300), sockets: sockets).check().isUp)
            #expect(await PingChecker(target: "2001:db8::2", timeout: .milliseconds(300), sockets: sockets).check().isUp)
            #expect(!(await PingChecker(target: "192.0.2.99", timeout: .milliseconds(200), sockets: sockets).check().isUp))
            #expect(!(await PingChecker(target: "not-an-ip", timeout: .milliseconds(200), sockets: sockets).check().isUp))
            // Replies to other pings on the same host must not count: many concurrent checks.
            let results = await withTaskGroup(of: Bool.self) { group in
                for index in 0..<20 {
                    let target = index % 2 == 0 ? "192.0.2.2" : "192.0.2.98"
                    group.addTask { await PingChecker(target: target, timeout: .milliseconds(300), sockets: sockets).check().isUp == (index % 2 == 0) }
                }
                return await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(results.allSatisfy { $0 })
            // The peer stops answering (its link goes down): down.
            try peer.run("ip", "link", "set", "eth0", "down")
            #expect(!(await PingChecker(target: "192.0.2.2", timeout: .milliseconds(200), sockets: sockets).check().isUp))
        }
    }
}
