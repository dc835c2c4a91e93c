// LVS-DR end to end: a client, a director whose IPVS table the client library programs from
// inside the director's namespace, and two real servers holding the VIP on lo, all on one
// bridge. Connections to the VIP must be answered by both real servers.
import Foundation
import NetLab
import Testing
@testable import IPVS

@Suite(.enabled(if: KernelIPVS.available, KernelIPVS.skipComment))
struct IPVSTrafficTests {
    static let vip = "203.0.113.100"
    static let port: UInt16 = 8080

    @Test func directRoutedServiceSpreadsConnectionsOverBothRealServers() throws {
        let lab = try Lab("ipvs-dr")
        defer { lab.tearDown() }
        let topology = try DRTopology(lab: lab, vip: Self.vip, port: Self.port)
        defer { topology.stop() }
        let (client, director) = (topology.client, topology.director)

        let ipvs = try director.perform { try IPVSClient() }
        var reconciler = IPVSReconciler(client: ipvs)
        let service = IPVSServiceKey.address(.tcp, address(Self.vip), port: Self.port)
        let desired = IPVSState([IPVSVirtualServer(IPVSService(service, scheduler: "rr"), destinations: [
            IPVSDestination(address("203.0.113.11"), port: Self.port, forwarding: .directRoute),
            IPVSDestination(address("203.0.113.12"), port: Self.port, forwarding: .directRoute),
        ])])
        #expect(try reconciler.reconcile(to: desired).count == 3)

        var answers: [String: Int] = [:]
        for _ in 0..<10 {
            answers[try LineClient.fetch(from: client, address: Self.vip, port: Self.port), default: 0] += 1
        }
        // Round robin over two real servers: five connections each.
        #expect(answers == ["real1": 5, "real2": 5])

        // IPVS saw the connections (and they were not answered by the director itself).
        let listing = try director.run("ipvsadm", "-Ln", "--stats").output
        #expect(listing.contains("203.0.113.11:\(Self.port)") && listing.contains("203.0.113.12:\(Self.port)"), "\(listing)")

        // Weight 0 takes real2 out of scheduling: every new connection goes to real1.
        var drained = desired
        drained.virtualServers[0].destinations[1].weight = 0
        #expect(try reconciler.reconcile(to: drained).count == 1)
        for _ in 0..<4 {
            #expect(try LineClient.fetch(from: client, address: Self.vip, port: Self.port) == "real1")
        }
    }
}
