// One thread runs every VRRP timer of the daemon. A Task.sleep per timer costs a Dispatch timer,
// a timerfd update and a thread handoff each time it is armed; with 255 instances at 10 ms that
// was most of a master's CPU. Here arming is a heap insert under a lock, and the thread wakes
// once for all timers due by then, as keepalived's single timer list does. Never early: the
// state machine ignores a timer that fires before its deadline.
import CLinux
import Foundation
import VRRP

final class TimerScheduler: @unchecked Sendable {
    static let shared = TimerScheduler()

    private struct Entry {
        var deadline: Int64          // CLOCK_MONOTONIC nanoseconds
        var generation: UInt64
        var fire: @Sendable () -> Void
    }

    // Stable addresses: `&storedProperty` may hand C a temporary copy.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var entries: [UInt64: Entry] = [:]
    /// Min-heap of (deadline, id, generation); stale items (re-armed or cancelled) are skipped.
    private var heap: [(deadline: Int64, id: UInt64, generation: UInt64)] = []
    private var generation: UInt64 = 0
    private var nextID: UInt64 = 0

    private init() {
        pthread_mutex_init(mutex, nil)
        xdpha_monotonic_cond_init(condition)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "xdpha-timers"
        thread.start()
    }

    /// A fresh identity for one timer (a runner's Adver_Timer, say).
    func makeID() -> UInt64 {
        locked { nextID += 1; return nextID }
    }

    /// Arms (or re-arms) `id` to call `fire` at `deadline`, on the timer thread: keep it short.
    func schedule(_ id: UInt64, at deadline: MonotonicInstant, _ fire: @escaping @Sendable () -> Void) {
        let nanoseconds = Self.nanoseconds(deadline)
        locked {
            generation += 1
            entries[id] = Entry(deadline: nanoseconds, generation: generation, fire: fire)
            push((nanoseconds, id, generation))
            if heap.first?.id == id { pthread_cond_signal(condition) }
        }
    }

    func cancel(_ id: UInt64) {
        locked { _ = entries.removeValue(forKey: id) }
    }

    private func loop() {
        pthread_mutex_lock(mutex)
        while true {
            // Drop stale heap items.
            while let top = heap.first, entries[top.id]?.generation != top.generation { pop() }
            guard let top = heap.first else {
                pthread_cond_wait(condition, mutex)
                continue
            }
            let now = Self.now()
            if top.deadline > now {
                var until = timespec(tv_sec: Int(top.deadline / 1_000_000_000), tv_nsec: Int(top.deadline % 1_000_000_000))
                pthread_cond_timedwait(condition, mutex, &until)
                continue
            }
            var due: [@Sendable () -> Void] = []
            while let first = heap.first, first.deadline <= now {
                pop()
                if let entry = entries[first.id], entry.generation == first.generation {
                    entries[first.id] = nil
                    due.append(entry.fire)
                }
            }
            pthread_mutex_unlock(mutex)
            for fire in due { fire() }
            pthread_mutex_lock(mutex)
        }
    }

    // MARK: heap

    private func push(_ item: (deadline: Int64, id: UInt64, generation: UInt64)) {
        heap.append(item)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].deadline < heap[parent].deadline else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func pop() {
        heap.swapAt(0, heap.count - 1)
        heap.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count && heap[left].deadline < heap[smallest].deadline { smallest = left }
            if right < heap.count && heap[right].deadline < heap[smallest].deadline { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    private static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    private static func nanoseconds(_ instant: MonotonicInstant) -> Int64 {
        let (seconds, attoseconds) = instant.sinceOrigin.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
