// Writing DRDataPath into the maps: the layouts Swift and C share, reprogramming, refusal of a
// bad state, and the per-interface switch.
import Balancer
import CXDPHA
import NetLab
import Testing
@testable import BPF

@Suite struct DRContractTests {
    @Test func balancerAndDataPathAgreeOnConstants() {
        #expect(FlowHash.seed == XDPHA_DR_CONN_SEED)
        let limits = DataPathLimits()
        #expect(limits.maxServices == Int(XDPHA_DR_MAX_SERVICES))
        #expect(limits.maxReals == Int(XDPHA_DR_MAX_REALS))
        #expect(limits.ringSlots == Int(XDPHA_DR_RING_SLOTS))
        #expect(MaglevTable.defaultSize <= Int(XDPHA_DR_RING_SLOTS))
        #expect(FlowFields.sourceAddress.rawValue == UInt8(XDPHA_DR_HASH_SRC_ADDR))
        #expect(FlowFields.sourcePort.rawValue == UInt8(XDPHA_DR_HASH_SRC_PORT))
        #expect(FlowFields.destinationAddress.rawValue == UInt8(XDPHA_DR_HASH_DST_ADDR))
        #expect(FlowFields.destinationPort.rawValue == UInt8(XDPHA_DR_HASH_DST_PORT))
        #expect(FlowFields.transportProtocol.rawValue == UInt8(XDPHA_DR_HASH_PROTO))
        #expect(IPAddress.Family.ipv4.rawValue == UInt8(XDPHA_DR_FAMILY_IPV4))
        #expect(IPAddress.Family.ipv6.rawValue == UInt8(XDPHA_DR_FAMILY_IPV6))
    }

    /// A service that hashes the whole flow schedules by the connection table's digest (the
    /// program hashes a new flow once).
    @Test func aWholeFlowHashIsTheConnectionDigest() throws {
        let flow = FlowKey(source: IPAddress("192.0.2.50")!, destination: IPAddress(drVIP)!, sourcePort: 40000,
                           destinationPort: 80, transport: .udp)
        let key = try DRConnectionTable.key(source: flow.source.bytes, destination: flow.destination.bytes,
                                            sourcePort: 40000, destinationPort: 80, ipProtocol: 17)
        #expect(FlowFields.fiveTuple.rawValue == UInt8(XDPHA_DR_HASH_ALL))
        #expect(FlowHash.hash(flow, fields: .fiveTuple) == DRConnectionTable.digest(key))
        #expect(FlowHash.hash(flow, fields: [.sourceAddress]) != DRConnectionTable.digest(key))
    }

    /// Keys are hashed as bytes: a struct with hidden padding would make equal keys differ.
    @Test func keysHaveNoPadding() {
        #expect(MemoryLayout<xdpha_dr_vip_key>.size == 16 + 4)
        #expect(MemoryLayout<xdpha_dr_service_key>.size == 16 + 2 + 1 + 1)
        #expect(MemoryLayout<xdpha_dr_flow_key>.size == 16 + 16 + 2 + 2 + 1 + 1 + 2)
        #expect(MemoryLayout<xdpha_dr_persist_key>.size == 4 + 4 + 16)
        #expect(MemoryLayout<xdpha_dr_real>.size == 16 + 6 + 6 + 4 * 3 + 4)
    }
}

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRMapsTests {
    let web = drService(reals: drReals(3))
    let other = drService("203.0.113.20", reals: drReals(2).map {
        RealServer(address: IPAddress("198.51.100.1\($0.address.bytes[3])")!, port: 80)
    })

    func isSteered(_ fixture: DRFixture, to vip: String) async throws -> Bool {
        try await fixture.run(DRFrame(from: "192.0.2.50", to: vip)).verdict == XDPVerdict.tx.rawValue
    }

    @Test func aRemovedServiceIsNoLongerSteeredAndItsIDIsReused() async throws {
        var fixture = try await DRFixture([web, other])
        #expect(try await isSteered(fixture, to: "203.0.113.20"))
        let otherID = try #require(fixture.state.service(other.key)?.id)

        let third = drService("203.0.113.30", reals: [RealServer(address: IPAddress("198.51.100.30")!, port: 80)])
        try await fixture.apply([web, third])
        #expect(fixture.state.service(third.key)?.id == otherID)
        #expect(try await fixture.program.drServiceCounters(id: otherID) == DRTrafficCounters())
        let gone = DRFrame(from: "192.0.2.50", to: "203.0.113.20")
        let passed = try await fixture.run(gone)
        #expect(passed.verdict == XDPVerdict.pass.rawValue && passed.packet == gone.bytes)
        let reused = try await fixture.run(DRFrame(from: "192.0.2.50", to: "203.0.113.30"))
        #expect(fixture.real(receiving: reused.packet)?.server == third.reals[0])
        #expect(try await isSteered(fixture, to: drVIP))
    }

    /// A forwarded frame is counted once, at its real; the service's totals and the forwarded
    /// outcome are derived from the reals, and a real that leaves hands its counts to the service.
    @Test func aServiceKeepsWhatItsLeftRealsCounted() async throws {
        var fixture = try await DRFixture([web])
        func send(_ ports: Range<UInt16>) async throws {
            for port in ports {
                var frame = DRFrame(from: "192.0.2.50", to: drVIP)
                frame.sourcePort = port
                #expect(try await fixture.run(frame).verdict == XDPVerdict.tx.rawValue)
            }
        }
        try await send(40000..<40030)
        let id = try #require(fixture.state.service(web.key)?.id)
        let counted = try await fixture.program.drServiceCounters(id: id)
        #expect(counted.packets == 30 && counted.newFlows == 30)
        let leaving = try #require(fixture.state.reals.first { $0.server == web.reals[2] })
        #expect(try await fixture.program.drRealCounters(index: leaving.index).packets > 0,
                "30 flows over 3 reals reach the one that leaves")

        try await fixture.apply([drService(reals: Array(web.reals.prefix(2)))])
        #expect(try await fixture.program.drServiceCounters(id: id) == counted)
        #expect(try await fixture.program.drRealCounters(index: leaving.index) == DRTrafficCounters())
        #expect(try await fixture.outcome(.transmitted) == 30)

        try await send(41000..<41010)
        #expect(try await fixture.program.drServiceCounters(id: id).packets == 40)
        #expect(try await fixture.outcome(.transmitted) == 40)
    }

    @Test func removingEverythingPassesEverything() async throws {
        var fixture = try await DRFixture([web, other])
        try await fixture.apply([])
        for vip in [drVIP, "203.0.113.20"] {
            let frame = DRFrame(from: "192.0.2.50", to: vip)
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        }
        #expect(try await fixture.program.drOutcomeCounts().values.allSatisfy { $0 == 0 })
    }

    @Test func aBadStateIsRefusedWholeAndTheOldOneStays() async throws {
        let fixture = try await DRFixture([web])
        var bad = DRStateAdapter.dataPath(fixture.state, link: DRTestLink.link)
        bad.services.append(DRService(address: IPAddress("203.0.113.99")!.bytes, port: 80, ipProtocol: 6, id: 7,
                                      lookup: .walk, ring: [bad.reals[0].index]))   // another service's real
        await #expect(throws: DRDataPathError.self) { try await fixture.program.programDR(bad) }
        #expect(try await isSteered(fixture, to: drVIP))
        #expect(try await !isSteered(fixture, to: "203.0.113.99"))

        var tooLarge = DRStateAdapter.dataPath(fixture.state, link: DRTestLink.link)
        tooLarge.services[0].id = UInt32(DRDataPath.maxServices)
        await #expect(throws: DRDataPathError.self) { try await fixture.program.programDR(tooLarge) }
        var badMAC = DRStateAdapter.dataPath(fixture.state, link: DRTestLink.link)
        badMAC.reals[0].link?.destination = [1, 2, 3]
        await #expect(throws: DRDataPathError.self) { try await fixture.program.programDR(badMAC) }
        #expect(try await isSteered(fixture, to: drVIP))
    }

    @Test func steeringIsSwitchedPerInterface() async throws {
        let fixture = try await DRFixture([web])
        try await fixture.program.setDRSteering(false, ifindex: DRTestLink.ingress)
        let frame = DRFrame(from: "192.0.2.50", to: drVIP)
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        try await fixture.program.setDRSteering(true, ifindex: 42)
        #expect(try await !isSteered(fixture, to: drVIP))
        try await fixture.program.setDRSteering(true, ifindex: DRTestLink.ingress)
        #expect(try await isSteered(fixture, to: drVIP))
    }

    @Test func aLargeRingIsSwappedInWhole() async throws {
        // 600 reals: a 65537-slot Maglev ring per service, rewritten on every weight change.
        let many = (0..<600).map { RealServer(address: IPAddress("198.51.\(100 + $0 / 250).\($0 % 250 + 1)")!, port: 80) }
        var fixture = try await DRFixture([drService(reals: many)])
        try await fixture.apply([drService(reals: many.enumerated().map {
            RealServer(address: $0.element.address, port: 80, weight: $0.offset % 2 == 0 ? 1 : 3)
        })])
        for port in UInt16(1000)..<1050 {
            var frame = DRFrame(from: "192.0.2.50", to: drVIP)
            frame.sourcePort = port
            let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
            #expect(try await fixture.run(frame).packet == steered(frame.bytes, to: predicted.server))
        }
    }
}
