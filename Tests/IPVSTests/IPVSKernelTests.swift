// The client and reconciler against a real IPVS table, each test in a namespace of its own;
// what the client wrote is read back through its own dump and through `ipvsadm -Ln`.
import Foundation
import NetLab
import Testing
@testable import IPVS

@Suite(.enabled(if: KernelIPVS.available, KernelIPVS.skipComment))
struct IPVSKernelTests {
    @Test func reconcileCreatesWhatIpvsadmAndTheDumpShow() throws {
        let table = try IPVSNamespace("create")
        defer { table.lab.tearDown() }
        var reconciler = IPVSReconciler(client: table.client)

        let changes = try reconciler.reconcile(to: Fixture.mixed)
        #expect(changes.filter { if case .addService = $0 { true } else { false } }.count == 4)
        #expect(changes.count == 4 + 7)
        #expect(try table.dump() == Fixture.mixed.canonical)
        #expect(try table.ipvsadm() == Fixture.mixed.canonical)

        #expect(try reconciler.reconcile(to: Fixture.mixed) == [])
        // A reconciler that starts afresh (a restarted daemon) finds nothing to do either.
        var restarted = IPVSReconciler(client: table.client)
        #expect(try restarted.reconcile(to: Fixture.mixed) == [])
    }

    @Test func weightSchedulerRealAndServiceChangesReachTheKernel() throws {
        let table = try IPVSNamespace("change")
        defer { table.lab.tearDown() }
        var reconciler = IPVSReconciler(client: table.client)
        try reconciler.reconcile(to: Fixture.mixed)
        var desired = Fixture.mixed

        func step(_ expected: [IPVSChange]) throws {
            #expect(try reconciler.reconcile(to: desired) == expected)
            #expect(try table.dump() == desired.canonical)
            #expect(try table.ipvsadm() == desired.canonical)
        }

        desired.virtualServers[0].destinations[1].weight = 5
        try step([.updateDestination(Fixture.web, from: Fixture.real(12), to: Fixture.real(12, weight: 5))])

        let before = desired.virtualServers[0].service
        desired.virtualServers[0].service.scheduler = "wlc"
        desired.virtualServers[0].service.persistence = IPVSPersistence(timeout: 120)
        try step([.updateService(from: before, to: desired.virtualServers[0].service)])

        desired.virtualServers[0].destinations.removeFirst()
        try step([.removeDestination(Fixture.web, Fixture.real(11).key)])

        desired.virtualServers.remove(at: 1)
        try step([.removeService(Fixture.dns)])

        try step([])
    }

    @Test func serviceNotOwnedIsLeftUntouched() throws {
        let table = try IPVSNamespace("foreign")
        defer { table.lab.tearDown() }
        let foreign = IPVSServiceKey.address(.tcp, address("198.51.100.7"), port: 8080)
        try table.namespace.run("ipvsadm", "-A", "-t", "198.51.100.7:8080", "-s", "lc")
        try table.namespace.run("ipvsadm", "-a", "-t", "198.51.100.7:8080", "-r", "198.51.100.8:8080", "-m", "-w", "3")
        let foreignBefore = try #require(try table.dump().virtualServer(foreign))
        #expect(foreignBefore.destinations == [IPVSDestination(address("198.51.100.8"), port: 8080,
                                                               forwarding: .masquerade, weight: 3)])

        var reconciler = IPVSReconciler(client: table.client)
        let added = try reconciler.reconcile(to: Fixture.mixed)
        #expect(!added.isEmpty && added.allSatisfy { $0.serviceKey != foreign })
        let removed = try reconciler.reconcile(to: .empty)
        #expect(Set(removed) == Set(Fixture.mixed.serviceKeys.map { IPVSChange.removeService($0) }))

        #expect(try table.dump() == IPVSState([foreignBefore]))
        #expect(try table.ipvsadm() == IPVSState([foreignBefore]))
    }

    @Test func ipv6AndOnePacketServicesRoundTrip() throws {
        let table = try IPVSNamespace("ipv6")
        defer { table.lab.tearDown() }
        let vip6 = address("2001:db8::100")
        let desired = IPVSState([
            IPVSVirtualServer(IPVSService(.address(.tcp, vip6, port: 80), scheduler: "mh",
                                          persistence: IPVSPersistence(timeout: 60, granularity: 64)),
                              destinations: [IPVSDestination(address("2001:db8::11"), port: 80, weight: 4),
                                             IPVSDestination(address("203.0.113.11"), port: 80, forwarding: .tunnel)]),
            IPVSVirtualServer(IPVSService(.address(.udp, vip6, port: 53), scheduler: "rr", options: [.onePacket]),
                              destinations: [IPVSDestination(address("2001:db8::21"), port: 53, forwarding: .masquerade)]),
            IPVSVirtualServer(IPVSService(.firewallMark(9, family: .inet6), scheduler: "lc"),
                              destinations: [IPVSDestination(address("2001:db8::31"), port: 0)]),
        ])
        var reconciler = IPVSReconciler(client: table.client)
        #expect(try reconciler.reconcile(to: desired).count == 3 + 4)
        #expect(try table.dump() == desired.canonical)
        #expect(try table.ipvsadm() == desired.canonical)
        #expect(try reconciler.reconcile(to: desired) == [])
    }

    @Test func kernelRefusalsAreTypedAndExplained() throws {
        let table = try IPVSNamespace("errors")
        defer { table.lab.tearDown() }
        let client = table.client

        #expect(throws: IPVSError.kernel(operation: "remove service TCP 203.0.113.100:80", errno: ESRCH)) {
            try client.removeService(Fixture.web)
        }
        do {
            try client.add(IPVSService(Fixture.web, scheduler: "nosuch"))
            Issue.record("a service with scheduler nosuch was accepted")
        } catch {
            #expect(error == .kernel(operation: "add service TCP 203.0.113.100:80", errno: ENOENT))
            #expect(error.description.contains("scheduler"))
        }
        try client.add(IPVSService(Fixture.web, scheduler: "rr"))
        #expect(throws: IPVSError.kernel(operation: "add service TCP 203.0.113.100:80", errno: EEXIST)) {
            try client.add(IPVSService(Fixture.web, scheduler: "rr"))
        }
        // The kernel's real-server dump does not tell a missing service from an empty one.
        #expect(try client.destinations(of: Fixture.dns) == [])
        do {
            try client.removeDestination(Fixture.real(11).key, from: Fixture.web)
            Issue.record("removing an absent real server succeeded")
        } catch {
            #expect(error.description.contains("no such real server"), "\(error)")
        }
        // A failed reconcile says which change failed and what came before it.
        var reconciler = IPVSReconciler(client: client)
        let conflicting = IPVSState([IPVSVirtualServer(IPVSService(Fixture.dns, scheduler: "nosuch"))])
        #expect(throws: IPVSError.self) { try reconciler.reconcile(to: conflicting) }
        #expect(reconciler.owned.contains(Fixture.dns))
    }

    @Test func clientOpenedInANamespaceSeesOnlyThatNamespace() throws {
        let one = try IPVSNamespace("ns-one")
        defer { one.lab.tearDown() }
        let two = try IPVSNamespace("ns-two")
        defer { two.lab.tearDown() }
        try one.client.add(IPVSService(Fixture.web, scheduler: "rr"))
        #expect(try one.client.services().map(\.key) == [Fixture.web])
        #expect(try two.client.services().isEmpty)
    }
}

/// Where the kernel has no IPVS (this machine), opening a client says so plainly.
@Suite(.enabled(if: !KernelIPVS.available && Lab.unavailableReason == nil,
                "the kernel has IPVS here, so its absence cannot be observed"))
struct IPVSAbsentTests {
    @Test func clientReportsTheMissingFamily() {
        #expect(throws: IPVSError.unavailable) { try IPVSClient() }
        #expect(IPVSClient.unavailableReason == "generic netlink family IPVS not found (kernel module ip_vs not loaded or not built)")
    }
}
