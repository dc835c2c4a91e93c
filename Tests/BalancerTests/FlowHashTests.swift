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
                buckets[Int(FlowHash.hash(key, fields: .fiveTuple) % 7)] += 1
            }
        }
        let expected = Double(256 * 64) / 7
        for count in buckets { #expect(abs(Double(count) - expected) / expected < 0.05) }
    }

    /// Pinned values: bpf/include/dr_hash.h computes the same (checked against the program in
    /// BPFTests), so a change here changes which real the data path picks.
    @Test func isPinned() {
        #expect(FlowHash.hash(flow, fields: .fiveTuple) == 2_768_861_531)
        #expect(FlowHash.hash(flow, fields: [.sourceAddress]) == 2_379_783_321)
        let v6 = FlowKey(source: address("2001:db8::50"), destination: address("2001:db8:1::10"),
                         sourcePort: 1, destinationPort: 443, transport: .udp)
        #expect(FlowHash.hash(v6, fields: .fiveTuple) == 3_441_450_979)
    }
}
