// The DR stage's choices beyond the hash: round robin walks, persistence, and services or reals
// that cannot take a flow.
import Balancer
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRSchedulingTests {
    /// New flows from one client, on consecutive source ports; returns the real each went to.
    func newFlows(_ fixture: DRFixture, count: Int, from client: String = "192.0.2.50", firstPort: UInt16 = 20000)
        async throws -> [RealServer] {
        var chosen: [RealServer] = []
        for offset in 0..<count {
            var frame = DRFrame(from: client, to: drVIP)
            frame.sourcePort = firstPort + UInt16(offset)
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.tx.rawValue)
            if let real = fixture.real(receiving: result.packet) { chosen.append(real.server) }
        }
        return chosen
    }

    // The cursor is per CPU and a test thread may change CPUs between runs: each CPU walks the
    // ring on its own, so counts are exact only within a turn or two per CPU.
    @Test func weightedRoundRobinFollowsTheWeights() async throws {
        let reals = drReals(3, weights: [3, 1, 2])
        let fixture = try await DRFixture([drService(scheduler: .weightedRoundRobin, reals: reals)])
        let chosen = try await newFlows(fixture, count: 600)
        #expect(chosen.count == 600)
        for (real, expected) in zip(reals, [300, 100, 200]) {
            #expect(abs(chosen.filter { $0 == real }.count - expected) <= 8)
        }
    }

    @Test func roundRobinTakesTurns() async throws {
        let reals = drReals(3, weights: [5, 1, 0])
        let fixture = try await DRFixture([drService(scheduler: .roundRobin, reals: reals)])
        let chosen = try await newFlows(fixture, count: 300)
        #expect(abs(chosen.filter { $0 == reals[0] }.count - 150) <= 4)
        #expect(abs(chosen.filter { $0 == reals[1] }.count - 150) <= 4)
        #expect(!chosen.contains(reals[2]))
    }

    @Test func persistencePinsAClientToOneReal() async throws {
        let reals = drReals(5)
        var fixture = try await DRFixture([drService(persistence: 300, reals: reals)])
        // Without persistence the five-tuple hash would spread these flows.
        let spread = Set((0..<20).map { offset -> UInt32 in
            var frame = DRFrame(from: "192.0.2.50", to: drVIP)
            frame.sourcePort = 20000 + UInt16(offset)
            return fixture.state.predictedReal(for: frame.flow)!.index
        })
        #expect(spread.count > 1)
        let chosen = try await newFlows(fixture, count: 20)
        #expect(Set(chosen).count == 1)
        let pinned = try #require(chosen.first)
        // Another client is pinned on its own.
        let other = try await newFlows(fixture, count: 5, from: "192.0.2.51")
        #expect(Set(other).count == 1)

        // Weight 0 ends the pin for new flows; the client is pinned again elsewhere.
        try await fixture.apply([drService(persistence: 300, reals: reals.map {
            RealServer(address: $0.address, port: $0.port, weight: $0 == pinned ? 0 : 1)
        })])
        let after = try await newFlows(fixture, count: 10, firstPort: 30000)
        #expect(Set(after).count == 1)
        #expect(after.first != pinned)
    }

    @Test func persistenceEndsAfterItsTimeout() async throws {
        let fixture = try await DRFixture([drService(persistence: 1, reals: drReals(8))])
        let pinned = try #require(try await newFlows(fixture, count: 1).first)
        /// The next source port whose five-tuple hash picks another real than the pinned one.
        func portAwayFromPin(after port: UInt16) -> UInt16 {
            var candidate = port
            repeat {
                candidate += 1
                var frame = DRFrame(from: "192.0.2.50", to: drVIP)
                frame.sourcePort = candidate
                if fixture.state.predictedReal(for: frame.flow)?.server != pinned { return candidate }
            } while true
        }
        let during = portAwayFromPin(after: 30000)
        #expect(try await newFlows(fixture, count: 1, firstPort: during) == [pinned])

        try await Task.sleep(for: .milliseconds(1300))
        let after = portAwayFromPin(after: 40000)
        var frame = DRFrame(from: "192.0.2.50", to: drVIP)
        frame.sourcePort = after
        let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
        #expect(try await newFlows(fixture, count: 1, firstPort: after) == [predicted.server])
    }

    @Test func aServiceWithoutWeightPassesItsTraffic() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2, weights: [0, 0]))])
        let frame = DRFrame(from: "192.0.2.50", to: drVIP)
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        #expect(try await fixture.outcome(.noReal) == 1)
    }

    @Test func aRealWithoutAKnownMACPassesItsTraffic() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2))], link: { _ in nil })
        let frame = DRFrame(from: "192.0.2.50", to: drVIP)
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        #expect(try await fixture.outcome(.unresolved) == 1)
    }

    @Test func aRealOnAnotherInterfaceIsRedirected() async throws {
        let lab = try Lab("dr-egress")
        defer { lab.tearDown() }
        let a = try lab.namespace("a"), b = try lab.namespace("b")
        try lab.link(a, "out0", b, "in0")
        let egress = UInt32(try a.ifindex("out0"))
        #expect(egress != DRTestLink.ingress)

        let link: (RealEntry) -> DRReal.Link? = { real in
            // reals[0] sits behind out0; reals[1] behind an interface the egress map lacks.
            let ifindex: UInt32 = real.server.address == drReals(2)[0].address ? egress : 999
            return DRReal.Link(destination: DRTestLink.mac(of: real.server), source: DRTestLink.director, ifindex: ifindex)
        }
        let fixture = try await DRFixture([drService(scheduler: .sourceHash, fields: nil, reals: drReals(2))], link: link)
        let fd = await fixture.program.drEgressMapFD
        try a.perform { try EntryProgram.addDREgress(mapFD: fd, ifindex: egress) }

        var redirected = 0, refused = 0
        for host in 1...20 {
            let frame = DRFrame(from: "192.0.2.\(host)", to: drVIP)
            let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
            let result = try await fixture.run(frame)
            if predicted.server == drReals(2)[0] {
                #expect(result.verdict == XDPVerdict.redirect.rawValue)
                #expect(result.packet == steered(frame.bytes, to: predicted.server))
                redirected += 1
            } else {
                #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
                refused += 1
            }
        }
        #expect(redirected > 0 && refused > 0)
        #expect(try await fixture.outcome(.redirected) == UInt64(redirected))
        #expect(try await fixture.outcome(.noEgress) == UInt64(refused))
    }
}
