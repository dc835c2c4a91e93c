import Testing
@testable import Balancer

@Suite struct FlowHashTests {
    let flow = FlowKey(source: address("192.0.2.50"), destination: address("203.0.113.10"),
                       sourcePort: 40000, destinationPort: 80, transport: .tcp)

    @Test func onlyTheChosenFieldsCount() {
        let otherPort = FlowKey(source: flow.source, destination: flow.destination, sourcePort: 40001,
                                destinationPort: 80, transport: .tcp)
        #expect(FlowHash.hash(flow, fields: [.sourceAddress]) == FlowHash.hash(otherPort, fields: [.sourceAddress]))
        #expect(FlowHash.hash(flow, fields: .fiveTuple) != FlowHash.hash(otherPort, fields: .fiveTuple))
        let udp = FlowKey(source: flow.source, destination: flow.destination, sourcePort: 40000,
                          destinationPort: 80, transport: .udp)
        #expect(FlowHash.hash(flow, fields: .fiveTuple) != FlowHash.hash(udp, fields: .fiveTuple))
        #expect(FlowHash.hash(flow, fields: [.sourceAddress]) == FlowHash.hash(udp, fields: [.sourceAddress]))
    }

    @Test func spreadsClientsEvenlyOverAPrimeTable() {
        var buckets = [Int](repeating: 0, count: 7)
        for host in 0..<256 {
            for port in stride(from: 1024, to: 1024 + 64, by: 1) {
                let key = FlowKey(source: address("198.51.100.\(host)"), destination: flow.destination,
                                  sourcePort: UInt16(port), destinationPort: 80, transport: .tcp)
                buckets[FlowHash.position(FlowHash.hash(key, fields: .fiveTuple), slots: 7)] += 1
            }
        }
        let expected = Double(256 * 64) / 7
        for count in buckets { #expect(abs(Double(count) - expected) / expected < 0.05) }
    }

    /// Pinned values, computed apart from this code (a few lines of Python after dr_hash.h's
    /// description): the program computes the same (checked against it in BPFTests), so a change
    /// here changes which real the data path picks.
    @Test func isPinned() {
        #expect(FlowHash.hash(flow, fields: .fiveTuple) == 8_687_776_670_601_210_269)
        #expect(FlowHash.hash(flow, fields: [.sourceAddress]) == 9_310_275_593_303_237_076)
        let v6 = FlowKey(source: address("2001:db8::50"), destination: address("2001:db8:1::10"),
                         sourcePort: 1, destinationPort: 443, transport: .udp)
        #expect(FlowHash.hash(v6, fields: .fiveTuple) == 7_791_837_980_962_085_404)
    }

    /// The slot is the hash's low 32 bits scaled to the ring: every slot reachable, none beyond.
    @Test func positionsCoverTheRing() {
        #expect(FlowHash.position(0, slots: 65537) == 0)
        #expect(FlowHash.position(0xffff_ffff, slots: 65537) == 65536)
        #expect(FlowHash.position(0xffff_ffff_0000_0000, slots: 7) == 0, "only the low 32 bits count")
        var seen = Set<Int>()
        for low in stride(from: UInt64(0), to: 1 << 32, by: (1 << 32) / 64) { seen.insert(FlowHash.position(low, slots: 7)) }
        #expect(seen == Set(0..<7))
    }
}
