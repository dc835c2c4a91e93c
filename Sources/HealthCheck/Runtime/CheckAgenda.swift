// When each scheduled thing is due, on ticks: a due time is rounded up to the next multiple of
// `tick`, so that everything falling due within one tick is taken in one wakeup of the thread
// that serves the agenda (ConnectScheduler) instead of one wakeup each. Never early: an item is
// taken only once the clock has reached its own due time. Pure: the caller passes the clock
// (monotonic nanoseconds), so the ordering and batching rules have tests with a fake clock.
struct CheckAgenda<ID: Hashable & Sendable>: Sendable {
    /// Nanoseconds between the instants the serving thread may wake at.
    let tick: Int64

    private struct Item {
        var due: Int64
        /// Insertion order: items due at the same instant come out first in, first out.
        var order: UInt64
        var id: ID

        func precedes(_ other: Item) -> Bool { (due, order) < (other.due, other.order) }
    }

    /// Min-heap on (due, order).
    private var heap: [Item] = []
    private var inserted: UInt64 = 0

    init(tick: Int64) {
        precondition(tick > 0, "a tick is a positive number of nanoseconds")
        self.tick = tick
    }

    var isEmpty: Bool { heap.isEmpty }
    var count: Int { heap.count }

    /// The earliest due time, unrounded.
    var earliest: Int64? { heap.first?.due }

    /// When the serving thread should wake next: the first tick boundary at or after the
    /// earliest due time (nil: nothing is scheduled).
    var wakeTime: Int64? { earliest.map(boundary(atOrAfter:)) }

    mutating func schedule(_ id: ID, at due: Int64) {
        inserted += 1
        heap.append(Item(due: due, order: inserted, id: id))
        siftUp(heap.count - 1)
    }

    /// Removes and returns everything due at `now` or before, earliest first.
    mutating func takeDue(at now: Int64) -> [ID] {
        var due: [ID] = []
        while let first = heap.first, first.due <= now {
            due.append(first.id)
            removeFirst()
        }
        return due
    }

    /// The first multiple of `tick` at or after `instant`.
    func boundary(atOrAfter instant: Int64) -> Int64 {
        let (quotient, remainder) = instant.quotientAndRemainder(dividingBy: tick)
        // Division truncates toward zero; a negative instant with a remainder is already past
        // the boundary below it.
        return remainder > 0 ? (quotient + 1) * tick : quotient * tick
    }

    /// The first multiple of `tick` strictly after `instant`.
    func boundary(after instant: Int64) -> Int64 { boundary(atOrAfter: instant + 1) }

    // MARK: heap

    private mutating func removeFirst() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        siftDown(0)
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { return }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var first = parent
            if left < heap.count && heap[left].precedes(heap[first]) { first = left }
            if right < heap.count && heap[right].precedes(heap[first]) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
