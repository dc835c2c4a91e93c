// The connection table as a set-associative table (bpf/include/dr_conns.h): a SYN, which asks
// the ring before the table, still keeps a known flow on its real, and a full set gives away the
// slot seen least recently while the others keep their flows.
import Balancer
import CXDPHA
import NetLab
import Testing
@testable import BPF

@Suite(.enabled(if: Lab.unavailableReason == nil, "needs root for BPF"))
struct DRConnectionTableTests {
    @Test(arguments: [Scheduler.maglev, .roundRobin])
    func aSYNOfAKnownFlowKeepsItsRealWhenTheRingChanged(_ scheduler: Scheduler) async throws {
        // A SYN asks the ring before the table (Maglev) or after it (rr): either way the table
        // decides for a flow it knows (a retransmitted SYN, a client reusing its port).
        let reals = drReals(4)
        var fixture = try await DRFixture([drService(scheduler: scheduler, reals: reals)])
        let frame = DRFrame(from: "192.0.2.66", to: drVIP)
        _ = try await fixture.run(frame)
        let original = try #require(try await fixture.connection(frame))

        let reweighted = reals.map { RealServer(address: $0.address, port: $0.port, weight: $0 == original.server ? 0 : 1) }
        try await fixture.apply([drService(scheduler: scheduler, reals: reweighted)])
        #expect(try await fixture.run(frame).packet == steered(frame.bytes, to: original.server))
        #expect(try await fixture.connection(frame)?.server.address == original.server.address)
        #expect(try await fixture.program.drServiceCounters(id: 0).newFlows == 1, "the second SYN was no new flow")

        // A SYN of another flow from the same client follows the new ring.
        var other = frame
        other.sourcePort = 40001
        let sent = try await fixture.run(other)
        #expect(fixture.real(receiving: sent.packet)?.server.address != original.server.address)
        #expect(try await fixture.connection(other)?.server == fixture.real(receiving: sent.packet)?.server)
    }

    @Test func aFullSetGivesAwayTheSlotSeenLeastRecently() async throws {
        let fixture = try await DRFixture([drService(reals: drReals(3))])
        let ways = Int(XDPHA_DR_CONN_WAYS)
        let flows = try Self.flowsSharingOneSet(ways + 1)
        for frame in flows.prefix(ways) { _ = try await fixture.run(frame) }
        for frame in flows.prefix(ways) { #expect(try await fixture.connection(frame) != nil) }

        // `seen` counts jiffies >> XDPHA_DR_CONN_SEEN_SHIFT: 2.56 s even at HZ 100.
        try await Task.sleep(for: .milliseconds(2700))
        for var frame in flows.dropFirst().prefix(ways - 1) {
            frame.transport = .tcp(flags: DRFrame.ack)
            _ = try await fixture.run(frame)
        }
        let newcomer = flows[ways]
        _ = try await fixture.run(newcomer)

        #expect(try await fixture.connection(flows[0]) == nil, "the flow not seen since the wait left")
        for frame in flows.dropFirst() {
            #expect(try await fixture.connection(frame)?.server == fixture.state.predictedReal(for: frame.flow)?.server)
        }
        // The flow that lost its slot is scheduled again when it comes back: same ring, same real.
        var returning = flows[0]
        returning.transport = .tcp(flags: DRFrame.ack)
        let predicted = try #require(fixture.state.predictedReal(for: returning.flow))
        #expect(try await fixture.run(returning).packet == steered(returning.bytes, to: predicted.server))
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
