// The connection table as a set-associative table (bpf/include/dr_conns.h): a SYN is a new
// connection, scheduled without asking the table, and its entry is then the flow's; a full set
// gives away the slot seen least recently, to a SYN (which does not read the set) as to any other
// new flow, so a connection that keeps sending keeps its real.
import Balancer
import CXDPHA
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRConnectionTableTests {
    @Test(arguments: [Scheduler.maglev, .roundRobin])
    func aSYNOfAKnownFlowIsANewConnectionOnTheRingAsItIsNow(_ scheduler: Scheduler) async throws {
        // As in Katran: a retransmitted SYN, or a client reusing its port, is scheduled afresh,
        // and the flow's later frames follow that choice, not its older entry.
        let reals = drReals(4)
        var fixture = try await DRFixture([drService(scheduler: scheduler, reals: reals)])
        let frame = DRFrame(from: "192.0.2.66", to: drVIP)
        _ = try await fixture.run(frame)
        let original = try #require(try await fixture.connection(frame))

        let reweighted = reals.map { RealServer(address: $0.address, port: $0.port, weight: $0 == original.server ? 0 : 1) }
        try await fixture.apply([drService(scheduler: scheduler, reals: reweighted)])
        let again = try await fixture.run(frame)
        let chosen = try #require(fixture.real(receiving: again.packet))
        #expect(chosen.server.address != original.server.address, "the ring gives the old real no new flows")
        #expect(try await fixture.connection(frame)?.server == chosen.server)
        #expect(try await fixture.program.drServiceCounters(id: 0).newFlows == 2, "each SYN is a new flow")

        let ack = frame.with(flags: DRFrame.ack)
        #expect(try await fixture.run(ack).packet == steered(ack.bytes, to: chosen.server))
    }

    @Test(arguments: [DRFrame.syn, DRFrame.ack])
    func aFullSetGivesAwayTheSlotSeenLeastRecently(_ newFlowFlags: UInt8) async throws {
        // New flows open with SYNs (which take the slot the set's order names, without reading
        // the set) or arrive mid-stream (ACKs the table does not know, which read it): either way
        // a free slot first, then the one seen least recently.
        let fixture = try await DRFixture([drService(reals: drReals(3))])
        let ways = Int(XDPHA_DR_CONN_WAYS)
        let flows = try Self.flowsSharingOneSet(ways + 1).map { $0.with(flags: newFlowFlags) }
        for frame in flows.prefix(ways) { _ = try await fixture.run(frame) }
        for frame in flows.prefix(ways) { #expect(try await fixture.connection(frame) != nil) }

        // `seen` counts jiffies >> XDPHA_DR_CONN_SEEN_SHIFT: 2.56 s even at HZ 100.
        try await Task.sleep(for: .milliseconds(2700))
        for frame in flows.dropFirst().prefix(ways - 1) { _ = try await fixture.run(frame.with(flags: DRFrame.ack)) }
        _ = try await fixture.run(flows[ways])

        #expect(try await fixture.connection(flows[0]) == nil, "the flow not seen since the wait left")
        for frame in flows.dropFirst() {
            #expect(try await fixture.connection(frame)?.server == fixture.state.predictedReal(for: frame.flow)?.server)
        }
        // The flow that lost its slot is scheduled again when it comes back: same ring, same real.
        let returning = flows[0].with(flags: DRFrame.ack)
        let predicted = try #require(fixture.state.predictedReal(for: returning.flow))
        #expect(try await fixture.run(returning).packet == steered(returning.bytes, to: predicted.server))
    }

    @Test func aConnectionThatKeepsSendingOutlivesNewConnectionsInItsSet() async throws {
        // What draining a real relies on: its real at weight 0, a connection keeps it while SYNs
        // of other clients land in the connection's set, for as long as the set has slots that
        // were seen less recently.
        let reals = drReals(3)
        var fixture = try await DRFixture([drService(reals: reals)])
        let ways = Int(XDPHA_DR_CONN_WAYS)
        let flows = try Self.flowsSharingOneSet(2 * ways - 1)
        for frame in flows.prefix(ways) { _ = try await fixture.run(frame) }
        let kept = flows[0]   // the first SYN: first in the set's order until it is seen again
        let real = try #require(try await fixture.connection(kept))

        try await Task.sleep(for: .milliseconds(2700))
        let keptAck = kept.with(flags: DRFrame.ack)
        _ = try await fixture.run(keptAck)
        let drained = reals.map { RealServer(address: $0.address, port: $0.port, weight: $0 == real.server ? 0 : 1) }
        try await fixture.apply([drService(reals: drained)])
        for frame in flows.suffix(ways - 1) { _ = try await fixture.run(frame) }

        #expect(try await fixture.run(keptAck).packet == steered(keptAck.bytes, to: real.server))
        for frame in flows.prefix(ways).dropFirst() {
            #expect(try await fixture.connection(frame) == nil, "a flow not seen since the wait gave its slot")
        }
    }

    /// `count` TCP SYNs to drVIP:80 whose flows fall into one set of the table.
    static func flowsSharingOneSet(_ count: Int) throws -> [DRFrame] {
        var found: [DRFrame] = []
        var wanted: UInt32?
        for host in 1...254 {
            for port in UInt16(20000)...UInt16(60000) {
                var frame = DRFrame(from: "192.0.2.\(host)", to: drVIP)
                frame.sourcePort = port
                let key = try DRConnectionTable.key(source: frame.source.bytes, destination: frame.destination.bytes,
                                                    sourcePort: port, destinationPort: 80, ipProtocol: 6)
                let set = DRConnectionTable.setNumber(DRConnectionTable.digest(key))
                if wanted == nil { wanted = set }
                if set == wanted { found.append(frame) }
                if found.count == count { return found }
            }
        }
        throw NoSuchFlows()
    }

    struct NoSuchFlows: Error {}
}

extension DRFrame {
    /// The same flow's frame with these TCP flags.
    func with(flags: UInt8) -> DRFrame {
        var frame = self
        frame.transport = .tcp(flags: flags)
        return frame
    }
}
