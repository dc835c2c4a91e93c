// The service index a TCP SYN looks its service up in (xdpha_maps.h, DRServiceIndex): it holds
// the services where the program searches, follows every change, and a service it cannot place
// is still steered, from xdpha_dr_services.
import Balancer
import CXDPHA
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRServiceIndexTests {
    /// The index's records as (slot, record) pairs, and the slot each key's search starts at.
    func indexed(_ fixture: DRFixture) async throws -> [(slot: Int, record: [UInt8])] {
        try await fixture.program.drServiceIndexRecords().map { (slot: $0.key, record: $0.value) }
    }

    func record(_ fixture: DRFixture, _ service: Service) throws -> [UInt8] {
        let id = try #require(fixture.state.service(service.key)?.id)
        var slot = xdpha_dr_service_slot()
        slot.key = try Self.key(service.key)
        let stored = DRStateAdapter.dataPath(fixture.state, link: DRTestLink.link).services.first { $0.id == id }
        slot.service = DRMapRecords.serviceValue(try #require(stored))
        return withUnsafeBytes(of: slot) { Array($0) }
    }

    static func key(_ key: ServiceKey) throws -> xdpha_dr_service_key {
        try DRMapRecords.serviceKey(address: key.address.bytes, port: key.port, ipProtocol: key.transport.rawValue)
    }

    @Test func theIndexHoldsEachServiceWithinTheProbesAndFollowsChanges() async throws {
        let web = drService(reals: drReals(3))
        let other = drService("203.0.113.20", reals: drReals(2))
        var fixture = try await DRFixture([web, other])
        var held = try await indexed(fixture)
        #expect(Set(held.map(\.record)) == [try record(fixture, web), try record(fixture, other)])
        for (slot, record) in held {
            let first = DRServiceIndex.firstSlot(ofRecord: record)
            #expect((slot - first + DRServiceIndex.slots) % DRServiceIndex.slots < DRServiceIndex.probes)
        }

        // A new scheduler for one service, another service gone, a third new.
        let rr = drService(scheduler: .roundRobin, reals: drReals(3))
        let third = drService("203.0.113.30", reals: drReals(1))
        try await fixture.apply([rr, third])
        held = try await indexed(fixture)
        #expect(Set(held.map(\.record)) == [try record(fixture, rr), try record(fixture, third)])
        #expect(try await fixture.run(DRFrame(from: "192.0.2.50", to: "203.0.113.20")).verdict == XDPVerdict.pass.rawValue)

        try await fixture.apply([])
        #expect(try await indexed(fixture).isEmpty)
    }

    @Test func aSYNFindsItsServiceInTheIndexOtherFramesInTheMapOfRecord() async throws {
        let web = drService(reals: drReals(3))
        let fixture = try await DRFixture([web])
        try await fixture.program.drForgetServiceRecord(try Self.key(web.key))
        let syn = DRFrame(from: "192.0.2.50", to: drVIP)
        #expect(try await fixture.run(syn).verdict == XDPVerdict.tx.rawValue)
        let unknownAck = DRFrame(from: "192.0.2.51", to: drVIP).with(flags: DRFrame.ack)
        #expect(try await fixture.run(unknownAck).verdict == XDPVerdict.pass.rawValue)
        #expect(try await fixture.outcome(.noService) == 1)
    }

    @Test func aServiceTheIndexCannotPlaceIsSteeredFromTheMapOfRecord() async throws {
        // Five ports of one VIP whose searches start at the same slot: one more than the probes.
        var byFirstSlot: [Int: [UInt16]] = [:]
        var ports: [UInt16] = []
        for port in UInt16(1000)...UInt16(65000) {
            let key = try Self.key(ServiceKey(address: IPAddress(drVIP)!, port: port, transport: .tcp))
            byFirstSlot[DRServiceIndex.firstSlot(of: key), default: []].append(port)
            if let crowded = byFirstSlot.values.first(where: { $0.count > DRServiceIndex.probes }) {
                ports = crowded
                break
            }
        }
        #expect(ports.count == DRServiceIndex.probes + 1)
        let services = ports.enumerated().map { i, port in
            drService(port: port, reals: [RealServer(address: IPAddress("198.51.100.\(i + 1)")!, port: port)])
        }
        let fixture = try await DRFixture(services)
        #expect(try await indexed(fixture).count == DRServiceIndex.probes, "one service was left out")
        for service in services {
            var frame = DRFrame(from: "192.0.2.50", to: drVIP)
            frame.destinationPort = service.key.port
            let sent = try await fixture.run(frame)
            #expect(fixture.real(receiving: sent.packet)?.server == service.reals[0], "port \(service.key.port)")
        }
    }
}
