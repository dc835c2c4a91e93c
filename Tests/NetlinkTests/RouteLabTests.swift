// Route lookups (`ip route get`) that DR steering uses to find the interface of a real server.
import Foundation
import NetLab
import Netlink
import Testing

@Suite("Routes over netlink", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct RouteLabTests {
    @Test("A connected address, one behind a gateway, a local one and an unreachable one")
    func lookups() async throws {
        let hosts = try TwoHosts("nl-route")
        defer { hosts.lab.tearDown() }
        try hosts.b.run("ip", "route", "add", "198.51.100.0/24", "via", "192.0.2.1")
        try hosts.b.run("ip", "route", "add", "unreachable", "203.0.113.0/24")
        let ifindex = try hosts.b.ifindex("eth0")
        let netlink = try hosts.b.perform { try RouteNetlink() }

        let connected = try await netlink.route(to: InetAddress("192.0.2.1")!)
        #expect(connected.kind == .unicast && connected.ifindex == ifindex && connected.gateway == nil)
        #expect(connected.preferredSource == InetAddress("192.0.2.2"))
        let v6 = try await netlink.route(to: InetAddress("2001:db8::1")!)
        #expect(v6.kind == .unicast && v6.ifindex == ifindex && v6.gateway == nil)

        let routed = try await netlink.route(to: InetAddress("198.51.100.7")!)
        #expect(routed.gateway == InetAddress("192.0.2.1") && routed.ifindex == ifindex)

        let local = try await netlink.route(to: InetAddress("192.0.2.2")!)
        #expect(local.kind == .local)

        await #expect(throws: NetlinkError.self) { try await netlink.route(to: InetAddress("203.0.113.9")!) }
        // The socket stays in step after an error: the next lookup answers.
        for _ in 0..<20 {
            #expect(try await netlink.route(to: InetAddress("192.0.2.1")!).ifindex == ifindex)
        }
    }
}
