// Packet-in, packet-out fixtures for the DR stage (BPF_PROG_TEST_RUN): the frames it steers, and
// that it steers them to the real the Balancer predicts.
import Balancer
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRSteeringTests {
    @Test func aNewTCPFlowGoesToThePredictedRealWithBothMACsRewritten() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(5))])
        var seen = Set<UInt32>()
        for port in UInt16(40000)..<40040 {
            var frame = DRFrame(from: "192.0.2.50", to: drVIP)
            frame.sourcePort = port
            let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.tx.rawValue)
            #expect(result.packet == steered(frame.bytes, to: predicted.server))
            #expect(try await fixture.connection(frame) == predicted)
            seen.insert(predicted.index)
        }
        #expect(seen.count == 5, "40 flows over 5 equal reals reach all of them")
        let counters = try await fixture.program.drServiceCounters(id: fixture.state.services[0].id)
        #expect(counters.packets == 40 && counters.newFlows == 40)
        #expect(counters.bytes == 40 * UInt64(DRFrame(from: "192.0.2.50", to: drVIP).bytes.count))
        var perReal: UInt64 = 0
        for real in fixture.state.reals { perReal += try await fixture.program.drRealCounters(index: real.index).packets }
        #expect(perReal == 40)
        #expect(try await fixture.outcome(.transmitted) == 40)
    }

    @Test func theFlowHashOfTheProgramIsTheBalancers() async throws {
        // Source-address hashing over a ring of many reals: a different hash would pick a
        // different real for most of these clients.
        let fixture = try await DRFixture([drService(scheduler: .sourceHash, fields: nil, reals: drReals(50))])
        for host in 1...60 {
            let frame = DRFrame(from: "192.0.2.\(host)", to: drVIP)
            let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
            let result = try await fixture.run(frame)
            #expect(fixture.real(receiving: result.packet) == predicted, "client 192.0.2.\(host)")
        }
    }

    @Test func anEstablishedFlowKeepsItsRealWhenTheRingChanges() async throws {
        let reals = drReals(4)
        var fixture = try await DRFixture([drService(reals: reals)])
        var first = DRFrame(from: "192.0.2.77", to: drVIP)
        _ = try await fixture.run(first)
        let original = try #require(try await fixture.connection(first))

        // Take the flow's real out of new-flow duty: weight 0, so no ring slot names it.
        let reweighted = reals.map { real in
            RealServer(address: real.address, port: real.port, weight: real == original.server ? 0 : 1)
        }
        try await fixture.apply([drService(reals: reweighted)])
        #expect(fixture.state.predictedReal(for: first.flow)?.server != original.server)

        first.transport = .tcp(flags: DRFrame.ack)
        let later = try await fixture.run(first)
        #expect(later.verdict == XDPVerdict.tx.rawValue)
        #expect(later.packet == steered(first.bytes, to: original.server))

        // A new flow from the same client follows the new ring.
        var second = first
        second.sourcePort = 40001
        second.transport = .tcp(flags: DRFrame.syn)
        let predicted = try #require(fixture.state.predictedReal(for: second.flow))
        #expect(try await fixture.run(second).packet == steered(second.bytes, to: predicted.server))
    }

    @Test func aFlowWhoseRealIsRemovedIsScheduledAgain() async throws {
        let reals = drReals(3)
        var fixture = try await DRFixture([drService(reals: reals)])
        var frame = DRFrame(from: "192.0.2.9", to: drVIP)
        _ = try await fixture.run(frame)
        let original = try #require(try await fixture.connection(frame))
        try await fixture.apply([drService(reals: reals.filter { $0 != original.server })])
        frame.transport = .tcp(flags: DRFrame.ack)
        let result = try await fixture.run(frame)
        let now = try #require(fixture.real(receiving: result.packet))
        #expect(now.server != original.server)
        #expect(now == fixture.state.predictedReal(for: frame.flow))
    }

    @Test func aReusedRealIndexDoesNotCarryOldFlows() async throws {
        let reals = drReals(2)
        var fixture = try await DRFixture([drService(reals: reals)])
        // Find a flow on reals[1], then replace reals[1] by a new real that takes its index.
        var frame = DRFrame(from: "192.0.2.20", to: drVIP)
        var port: UInt16 = 30000
        repeat {
            port += 1
            frame.sourcePort = port
        } while fixture.state.predictedReal(for: frame.flow)?.server != reals[1]
        _ = try await fixture.run(frame)
        let before = try #require(try await fixture.connection(frame))
        let newcomer = RealServer(address: IPAddress("198.51.100.200")!, port: 80)
        // The planner hands a freed index out again only in a later plan.
        try await fixture.apply([drService(reals: [reals[0]])])
        try await fixture.apply([drService(reals: [reals[0], newcomer])])
        let after = try #require(fixture.state.reals.first { $0.server == newcomer })
        #expect(after.index == before.index && after.generation != before.generation)
        frame.transport = .tcp(flags: DRFrame.ack)
        let result = try await fixture.run(frame)
        // Scheduled afresh (a new flow), not sent to the newcomer because of the stale index.
        #expect(fixture.real(receiving: result.packet) == fixture.state.predictedReal(for: frame.flow))
        #expect(try await fixture.program.drServiceCounters(id: 0).newFlows == 2)
    }

    @Test func udp() async throws {
        let fixture = try await DRFixture([drService(port: 53, .udp, reals: drReals(3, port: 53))])
        var frame = DRFrame(from: "192.0.2.50", to: drVIP)
        frame.transport = .udp
        frame.destinationPort = 53
        let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.tx.rawValue)
        #expect(result.packet == steered(frame.bytes, to: predicted.server))
        // TCP to the UDP-only port is not a service.
        var tcp = frame
        tcp.transport = .tcp(flags: DRFrame.syn)
        let passed = try await fixture.run(tcp)
        #expect(passed.verdict == XDPVerdict.pass.rawValue && passed.packet == tcp.bytes)
        #expect(try await fixture.outcome(.noService) == 1)
    }

    @Test func ipv6() async throws {
        let fixture = try await DRFixture([drService(drVIP6, reals: drReals(4, v6: true))])
        for port in UInt16(50000)..<50010 {
            var frame = DRFrame(from: "2001:db8:1::50", to: drVIP6)
            frame.sourcePort = port
            let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.tx.rawValue)
            #expect(result.packet == steered(frame.bytes, to: predicted.server))
        }
    }

    @Test(arguments: [[100], [100, 200]])
    func vlanTaggedFramesKeepTheirTags(tags: [UInt16]) async throws {
        let fixture = try await DRFixture([drService(reals: drReals(3))])
        var frame = DRFrame(from: "192.0.2.50", to: drVIP)
        frame.vlanTags = tags
        let predicted = try #require(fixture.state.predictedReal(for: frame.flow))
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.tx.rawValue)
        #expect(result.packet == steered(frame.bytes, to: predicted.server))
    }

    @Test func trafficForOtherAddressesPassesUntouchedAndUncounted() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2))])
        for frame in [DRFrame(from: "192.0.2.50", to: "203.0.113.11"), DRFrame(from: "2001:db8:1::1", to: "2001:db8:10::81")] {
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.pass.rawValue)
            #expect(result.packet == frame.bytes)
        }
        let outcomes = try await fixture.program.drOutcomeCounts()
        #expect(outcomes.values.allSatisfy { $0 == 0 })
    }

    /// A forwarded frame is counted once, at its real; what the stage leaves to the kernel is
    /// counted by class as any other frame.
    @Test func forwardedFramesAreCountedAtTheirRealNotByClass() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2))])
        #expect(try await fixture.run(DRFrame(from: "192.0.2.50", to: drVIP)).verdict == XDPVerdict.tx.rawValue)
        #expect(try await fixture.program.trafficCount(.all) == 0)
        #expect(try await fixture.program.drServiceCounters(id: fixture.state.services[0].id).packets == 1)
        var unserved = DRFrame(from: "192.0.2.50", to: drVIP)
        unserved.destinationPort = 22
        #expect(try await fixture.run(unserved).verdict == XDPVerdict.pass.rawValue)
        let counts = try await fixture.program.trafficCounts()
        #expect(counts[.all] == 1 && counts[.ipv4] == 1 && counts[.tcp] == 1)
    }

    @Test func aVIPOnAPortWithoutServicePasses() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2))])
        var frame = DRFrame(from: "192.0.2.50", to: drVIP)
        frame.destinationPort = 22
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        #expect(try await fixture.outcome(.noService) == 1)
    }

    @Test func icmpToAVIPPasses() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2))])
        var frame = DRFrame(from: "192.0.2.50", to: drVIP)
        frame.transport = .icmp
        let result = try await fixture.run(frame)
        #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        #expect(try await fixture.outcome(.notTCPOrUDP) == 1)
    }

    @Test func fragmentsForAVIPPassAndAreCounted() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2)), drService(drVIP6, reals: drReals(2, v6: true))])
        var first = DRFrame(from: "192.0.2.50", to: drVIP)
        first.fragment = (offset: 0, more: true)
        var later = DRFrame(from: "192.0.2.50", to: drVIP)
        later.fragment = (offset: 185, more: false)
        var v6 = DRFrame(from: "2001:db8:1::50", to: drVIP6)
        v6.ipv6ExtensionHeader = 44
        for frame in [first, later, v6] {
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        }
        #expect(try await fixture.outcome(.fragment) == 3)
        #expect(try await fixture.outcome(.transmitted) == 0)
    }

    @Test func ipOptionsAndExtensionHeadersForAVIPPassAndAreCounted() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2)), drService(drVIP6, reals: drReals(2, v6: true))])
        var options = DRFrame(from: "192.0.2.50", to: drVIP)
        options.ipv4Options = [0x94, 0x04, 0x00, 0x00]   // router alert
        var hopByHop = DRFrame(from: "2001:db8:1::50", to: drVIP6)
        hopByHop.ipv6ExtensionHeader = 0
        var destination = hopByHop
        destination.ipv6ExtensionHeader = 60
        for frame in [options, hopByHop, destination] {
            let result = try await fixture.run(frame)
            #expect(result.verdict == XDPVerdict.pass.rawValue && result.packet == frame.bytes)
        }
        #expect(try await fixture.outcome(.ipOptions) == 3)
    }

    @Test func framesCutShortAnywherePassUntouched() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(2)), drService(drVIP6, reals: drReals(2, v6: true)),
                                           drService(port: 53, .udp, reals: drReals(2, port: 53))])
        var frames: [DRFrame] = []
        for vlan in [[], [7], [7, 8]] as [[UInt16]] {
            var v4 = DRFrame(from: "192.0.2.50", to: drVIP)
            v4.vlanTags = vlan
            var v6 = DRFrame(from: "2001:db8:1::50", to: drVIP6)
            v6.vlanTags = vlan
            var udp = v4
            udp.transport = .udp
            udp.destinationPort = 53
            frames += [v4, v6, udp]
        }
        var cuts = 0
        for frame in frames {
            let (bytes, boundaries) = frame.build()
            let headerEnd = boundaries.last!
            // Every length from a bare Ethernet header to one byte short of the TCP/UDP header.
            for length in 14..<headerEnd {
                let cut = Array(bytes.prefix(length))
                let result = try await fixture.run(bytes: cut)
                #expect(result.verdict == XDPVerdict.pass.rawValue, "cut at \(length) of \(bytes.count)")
                #expect(result.packet == cut)
                cuts += 1
            }
            // The whole header is enough.
            #expect(try await fixture.run(bytes: Array(bytes.prefix(headerEnd))).verdict == XDPVerdict.tx.rawValue)
        }
        #expect(try await fixture.outcome(.transmitted) == UInt64(frames.count))
        // Cuts inside the TCP/UDP header, after a complete IP header, are counted as truncated.
        #expect(try await fixture.outcome(.truncated) > 0)
        #expect(cuts > 300)
    }
}
