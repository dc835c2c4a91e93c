// The DR stage's connection table (xdpha_dr_conns) as user space reads it: a flow's digest and
// set, computed exactly as bpf/include/dr_conns.h does, and the slot that holds the flow.
import Balancer
import CBPF
import CXDPHA

enum DRConnectionTable {
    /// A slot's contents.
    struct Entry: Equatable {
        var real: UInt32
        var generation: UInt32
    }

    /// The key the program builds for a flow; addresses are 4 or 16 bytes in network order.
    static func key(source: [UInt8], destination: [UInt8], sourcePort: UInt16, destinationPort: UInt16,
                    ipProtocol: UInt8) throws -> xdpha_dr_flow_key {
        var key = xdpha_dr_flow_key()
        DRMapRecords.fill(&key.src, with: source)
        DRMapRecords.fill(&key.dst, with: destination)
        key.sport = sourcePort.bigEndian
        key.dport = destinationPort.bigEndian
        key.proto = ipProtocol
        key.family = try DRMapRecords.family(of: source)
        return key
    }

    /// dr_key_hash(), as Balancer's FlowHash computes it over the whole key.
    static func digest(_ key: xdpha_dr_flow_key) -> UInt64 {
        withUnsafeBytes(of: key) { FlowHash.hash(keyBytes: $0) }
    }

    static func setNumber(_ digest: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: digest >> (64 - UInt64(XDPHA_DR_CONN_SET_BITS)))
    }

    /// The slot holding `key`'s flow, or nil when its set holds none. Of two slots that hold it
    /// (its SYN came again), the later in the set's order, as dr_conn_find() chooses.
    static func lookup(table: Int32, order: Int32, _ key: xdpha_dr_flow_key) throws -> Entry? {
        var set = xdpha_dr_conn_set()
        let digest = digest(key)
        var number = setNumber(digest)
        try BPFError.check(bpf_map_lookup_elem(table, &number, &set), "read set \(number) of xdpha_dr_conns")
        let digests = withUnsafeBytes(of: set.digest) { Array($0.bindMemory(to: UInt64.self)) }
        let holding = digests.indices.filter { digests[$0] == digest }
        guard var way = holding.last else { return nil }
        if holding.count > 1 {
            way = try slotsInOrder(order: order, set: number).last { holding.contains($0) } ?? way
        }
        let reals = withUnsafeBytes(of: set.real) { Array($0.bindMemory(to: UInt16.self)) }
        let generations = withUnsafeBytes(of: set.generation) { Array($0.bindMemory(to: UInt32.self)) }
        return Entry(real: UInt32(reals[way]), generation: generations[way])
    }

    /// A set's slots in the order it gives them away (xdpha_dr_conn_order).
    static func slotsInOrder(order: Int32, set number: UInt32) throws -> [Int] {
        var line = number / UInt32(XDPHA_DR_CONN_ORDERS_PER_LINE)
        var bytes = xdpha_dr_conn_order_line()
        try BPFError.check(bpf_map_lookup_elem(order, &line, &bytes), "read line \(line) of xdpha_dr_conn_order")
        let stored = withUnsafeBytes(of: bytes.order) { $0[Int(number % UInt32(XDPHA_DR_CONN_ORDERS_PER_LINE))] }
        let decoded = Int(stored ^ UInt8(XDPHA_DR_CONN_ORDER_IDENTITY))
        return (0..<Int(XDPHA_DR_CONN_WAYS)).map { (decoded >> (2 * $0)) & 3 }
    }
}
