// The order in which weighted backends take turns, for Maglev's table filling. Time runs in
// rounds; backend i takes its k-th turn in round ceil(k * maxWeight / weight_i), so a backend of
// the largest weight takes one turn every round and one of half that weight one every other
// round. Every prefix of the order gives each backend turns in proportion to its weight (within
// one turn). Within a round, backends go in the order they were put into it (position order in
// the first round), which is as deterministic as the rest.
//
// A calendar of rounds (one FIFO list per round) makes each turn O(1): the heap this replaced
// spent most of a 65537-slot table build on sifting.

enum WeightedTurns {
    /// The first `count` turns, as positions into `weights`; empty when no backend has weight.
    static func sequence(weights: [UInt32], count: Int) -> [Int32] {
        guard let maxWeight = weights.max(), maxWeight > 0, count > 0 else { return [] }
        // The heaviest backend turns every round, so `count` turns end by round `count`.
        let calendar = Calendar(rounds: count, backends: weights.count, maxWeight: UInt64(maxWeight))
        defer { calendar.deallocate() }
        for (position, weight) in weights.enumerated() where weight > 0 {
            calendar.schedule(position, weight: UInt64(weight), turn: 1)
        }
        return [Int32](unsafeUninitializedCapacity: count) { turns, initialized in
            var emitted = 0
            var round = 1
            while emitted < count && round <= count {
                var position = Int(calendar.head[round])
                while position >= 0 && emitted < count {
                    let following = Int(calendar.link[position])
                    turns[emitted] = Int32(position)
                    emitted += 1
                    calendar.taken[position] &+= 1
                    calendar.schedule(position, weight: UInt64(weights[position]), turn: calendar.taken[position] &+ 1)
                    position = following
                }
                round += 1
            }
            initialized = emitted
        }
    }

    /// One FIFO list of backends per round, linked through `link`; raw buffers because this runs
    /// once per slot of a 65537-slot table.
    private struct Calendar {
        let rounds: Int
        let maxWeight: UInt64
        let head: UnsafeMutableBufferPointer<Int32>
        let tail: UnsafeMutableBufferPointer<Int32>
        let link: UnsafeMutableBufferPointer<Int32>
        let taken: UnsafeMutableBufferPointer<UInt64>

        init(rounds: Int, backends: Int, maxWeight: UInt64) {
            self.rounds = rounds
            self.maxWeight = maxWeight
            head = .allocate(capacity: rounds + 1)
            head.initialize(repeating: -1)
            tail = .allocate(capacity: rounds + 1)
            tail.initialize(repeating: -1)
            link = .allocate(capacity: backends)
            link.initialize(repeating: -1)
            taken = .allocate(capacity: backends)
            taken.initialize(repeating: 0)
        }

        func deallocate() {
            head.deallocate()
            tail.deallocate()
            link.deallocate()
            taken.deallocate()
        }

        /// Puts `position` at the end of the round of its `turn`-th turn, unless that is past the end.
        @inline(__always)
        func schedule(_ position: Int, weight: UInt64, turn: UInt64) {
            let round = (turn &* maxWeight &+ weight &- 1) / weight
            guard round <= UInt64(rounds) else { return }
            let r = Int(round)
            link[position] = -1
            if tail[r] < 0 { head[r] = Int32(position) } else { link[Int(tail[r])] = Int32(position) }
            tail[r] = Int32(position)
        }
    }
}
