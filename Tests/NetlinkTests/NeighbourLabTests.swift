// The neighbour table lookup DR steering uses to find a real server's MAC.
import Foundation
import NetLab
import Netlink
import Testing

@Suite("Neighbours over netlink", .enabled(if: Lab.unavailableReason == nil, "\(Lab.unavailableReason ?? "")"))
struct NeighbourLabTests {
    @Test("After a ping the peer's MAC is found, for IPv4 and IPv6; an unknown address has none")
    func lookupAfterPing() async throws {
        let hosts = try TwoHosts("nl-neigh")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.b.ifindex("eth0")
        let macOfA = MACAddress(try hosts.a.mac("eth0"))
        try hosts.b.run("ping", "-c", "1", "-W", "2", "192.0.2.1")
        try hosts.b.run("ping", "-6", "-c", "1", "-W", "2", "2001:db8::1")
        let netlink = try hosts.b.perform { try RouteNetlink() }

        let v4 = try await netlink.neighbour(of: InetAddress("192.0.2.1")!, ifindex: ifindex)
        #expect(v4?.mac == macOfA)
        #expect(v4?.state.isDisjoint(with: NeighbourState.usable) == false, "\(String(describing: v4))")
        #expect(try await netlink.resolvedMAC(of: InetAddress("192.0.2.1")!, ifindex: ifindex) == macOfA)
        #expect(try await netlink.resolvedMAC(of: InetAddress("2001:db8::1")!, ifindex: ifindex) == macOfA)

        #expect(try await netlink.neighbour(of: InetAddress("192.0.2.77")!, ifindex: ifindex) == nil)
        #expect(try await netlink.resolvedMAC(of: InetAddress("2001:db8::77")!, ifindex: ifindex) == nil)
        // Many lookups in a row keep the socket in step (every answer and acknowledgement read).
        for _ in 0..<50 {
            #expect(try await netlink.resolvedMAC(of: InetAddress("192.0.2.1")!, ifindex: ifindex) == macOfA)
            #expect(try await netlink.resolvedMAC(of: InetAddress("192.0.2.78")!, ifindex: ifindex) == nil)
        }
        #expect(try await netlink.link(ifindex: ifindex).name == "eth0")
    }

    @Test("Soliciting resolves a silent peer's MAC; an absent one stays unresolved")
    func solicitResolves() async throws {
        let hosts = try TwoHosts("nl-solicit")
        defer { hosts.lab.tearDown() }
        let ifindex = try hosts.b.ifindex("eth0")
        let macOfA = MACAddress(try hosts.a.mac("eth0"))
        let netlink = try hosts.b.perform { try RouteNetlink() }
        let peer4 = InetAddress("192.0.2.1")!
        let peer6 = InetAddress("2001:db8::1")!
        #expect(try await netlink.neighbour(of: peer4, ifindex: ifindex) == nil)

        try await netlink.solicitNeighbour(peer4, ifindex: ifindex)
        try await netlink.solicitNeighbour(peer6, ifindex: ifindex)
        try await netlink.solicitNeighbour(InetAddress("192.0.2.77")!, ifindex: ifindex)

        let found4 = try await eventually { try await netlink.resolvedMAC(of: peer4, ifindex: ifindex) }
        let found6 = try await eventually { try await netlink.resolvedMAC(of: peer6, ifindex: ifindex) }
        #expect(found4 == macOfA)
        #expect(found6 == macOfA)
        let absent = try await netlink.neighbour(of: InetAddress("192.0.2.77")!, ifindex: ifindex)
        #expect(absent != nil, "the solicitation created an entry")
        #expect(absent?.usableMAC == nil, "\(String(describing: absent))")
    }
}
