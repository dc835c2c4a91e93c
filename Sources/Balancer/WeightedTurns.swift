// The order in which weighted backends take turns: backend i's k-th turn falls at time
// (2k - 1) / (2 * weight_i), earlier first, ties to the lower position. Every prefix of the order
// gives each backend turns in proportion to its weight (within one turn), and the first
// sum-of-weights turns give each exactly its weight, well interleaved. Maglev fills its table in
// this order; the wrr ring is its first sum-of-weights turns.

struct WeightedTurns {
    private let weights: [UInt64]
    /// A binary min-heap of each backend's next turn: (turn number k, position).
    private var heap: [(turn: UInt64, position: Int)] = []

    /// Backends of weight 0 never take a turn.
    init(weights: [UInt32]) {
        self.weights = weights.map(UInt64.init)
        for (position, weight) in weights.enumerated() where weight > 0 {
            push((turn: 1, position: position))
        }
    }

    /// The position of the backend whose turn it is; nil when no backend has weight.
    mutating func next() -> Int? {
        guard let top = heap.first else { return nil }
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(0)
        }
        push((turn: top.turn + 1, position: top.position))
        return top.position
    }

    /// (2a - 1) / (2 w_a) < (2b - 1) / (2 w_b), compared exactly in integers.
    private func earlier(_ a: (turn: UInt64, position: Int), _ b: (turn: UInt64, position: Int)) -> Bool {
        let lhs = (2 * a.turn - 1) * weights[b.position]
        let rhs = (2 * b.turn - 1) * weights[a.position]
        return lhs != rhs ? lhs < rhs : a.position < b.position
    }

    private mutating func push(_ entry: (turn: UInt64, position: Int)) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard earlier(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count && earlier(heap[left], heap[first]) { first = left }
            if right < heap.count && earlier(heap[right], heap[first]) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
