// Weighted Maglev hashing (Eisenbud et al., "Maglev: A Fast and Reliable Software Network Load
// Balancer", NSDI 2016, section 3.4). Each backend gets a permutation of the table's slots from
// two hashes of its name (offset, skip); backends take turns claiming the next free slot of their
// permutation until the table is full. Weights: a backend takes turns in proportion to its weight
// (WeightedTurns), so its share of the table is its share of the weights within one slot.
//
// The result depends only on the set of (name, weight) pairs: the backends are put in name order
// first, and the hashes are fixed SipHash keys, so every director computes the same table.

public enum MaglevTable {
    /// The paper's "small" table; at least 100 slots per backend keep shares within about 1%.
    public static let defaultSize = 65537
    public static let slotsPerBackend = 100

    public struct Backend: Hashable, Sendable {
        public let name: [UInt8]
        public let weight: UInt32

        public init(name: [UInt8], weight: UInt32) {
            self.name = name
            self.weight = weight
        }
    }

    static let offsetHash = SipHash24(k0: 0x7864_7061_2d6d_6167, k1: 0x6c65_762d_6f66_6673)
    static let skipHash = SipHash24(k0: 0x7864_7061_2d6d_6167, k1: 0x6c65_762d_736b_6970)

    /// The smallest prime table size that gives `backends` backends 100 slots each, and at least
    /// `defaultSize`.
    public static func size(forBackends backends: Int) -> Int {
        Primes.prime(atLeast: max(defaultSize, backends * slotsPerBackend))
    }

    public static func isValidSize(_ size: Int) -> Bool { Primes.isPrime(size) }

    /// Slot -> position in `backends` of the backend that owns it; -1 everywhere when no backend
    /// has weight. `size` must be prime (precondition).
    public static func build(_ backends: [Backend], size: Int) -> [Int32] {
        precondition(Primes.isPrime(size), "a Maglev table size must be prime")
        let order = backends.indices.sorted {
            backends[$0].name != backends[$1].name
                ? backends[$0].name.lexicographicallyPrecedes(backends[$1].name) : $0 < $1
        }
        var next = [Int](repeating: 0, count: order.count)
        var skip = [Int](repeating: 1, count: order.count)
        for (rank, position) in order.enumerated() {
            let name = backends[position].name
            next[rank] = Int(offsetHash.hash(name) % UInt64(size))
            skip[rank] = Int(skipHash.hash(name) % UInt64(size - 1)) + 1
        }
        let turns = WeightedTurns.sequence(weights: order.map { backends[$0].weight }, count: size)
        var table = [Int32](repeating: -1, count: size)
        table.withUnsafeMutableBufferPointer { slots in
            // Every turn claims exactly one slot, so `size` turns fill the table.
            for rank in turns.lazy.map(Int.init) {
                var slot = next[rank]
                let step = skip[rank]
                while slots[slot] >= 0 {
                    slot += step
                    if slot >= size { slot -= size }
                }
                slots[slot] = Int32(order[rank])
                slot += step
                if slot >= size { slot -= size }
                next[rank] = slot
            }
        }
        return table
    }
}
