// The rings that rr and wrr walk with a per-CPU cursor: each real in turn, for wrr as often as
// its weight (reduced by the weights' greatest common divisor) and interleaved rather than in
// runs (IPVS's wrr gives weights 4,1,1 the sequence A A A A B C; this ring gives A A B A C A), so a
// heavy real does not take a burst of consecutive new flows.

public enum RoundRobinRing {
    /// Positions into `weights`, the ring for rr (`weighted` false) or wrr. Reals of weight 0 are
    /// left out. A wrr ring longer than `capacity` is scaled down, keeping every real at least
    /// once, so its proportions then hold only approximately.
    public static func build(weights: [UInt32], weighted: Bool, capacity: Int) -> [Int] {
        let active = weights.indices.filter { weights[$0] > 0 }
        guard weighted, !active.isEmpty else { return Array(active.prefix(capacity)) }
        var turnsOf = weights.map(UInt64.init)
        let divisor = active.map { turnsOf[$0] }.reduce(0, gcd)
        for i in active { turnsOf[i] /= divisor }
        var total = active.reduce(0) { $0 + turnsOf[$1] }
        let room = UInt64(max(capacity - active.count, 1))
        if total > UInt64(capacity) {
            for i in active { turnsOf[i] = max(1, turnsOf[i] * room / total) }
            total = active.reduce(0) { $0 + turnsOf[$1] }
        }
        return smoothSequence(active: active, weights: turnsOf, total: total)
    }

    /// Smooth weighted round robin: each step every real earns its weight, the richest (ties to
    /// the lower position) takes the turn and pays the total. Over `total` steps each real takes
    /// exactly its weight, spread out also across the ring's wrap-around. Cost: total x reals.
    private static func smoothSequence(active: [Int], weights: [UInt64], total: UInt64) -> [Int] {
        var credit = [Int64](repeating: 0, count: active.count)
        var ring: [Int] = []
        ring.reserveCapacity(Int(total))
        for _ in 0..<total {
            var richest = 0
            for slot in active.indices {
                credit[slot] += Int64(weights[active[slot]])
                if credit[slot] > credit[richest] { richest = slot }
            }
            credit[richest] -= Int64(total)
            ring.append(active[richest])
        }
        return ring
    }

    private static func gcd(_ a: UInt64, _ b: UInt64) -> UInt64 {
        b == 0 ? a : gcd(b, a % b)
    }
}
