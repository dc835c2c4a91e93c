import CLinux
import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Runs every TCP_CHECK of the process on one thread, on ticks. A Swift task per checker cost, per
// check, a Dispatch timer (arm, fire, thread handoff), a wakeup of a polling thread, a
// continuation resumed on the cooperative pool and an actor hop: several context switches per
// check, more CPU than the kernel's connect. Here the thread wakes at most once per tick
// (CheckAgenda), starts every connect due by then, collects the connects that have finished
// (epoll, without waiting), times out the ones past connect_timeout, and hands each subscriber
// one batch of results per tick. The subscriber (HealthMonitor) records a batch in one actor hop
// and re-arms each check with the delay its RetryPolicy chose, counted from when the result was
// collected.
//
// Timing: a check starts at the first tick at or after its due time, and its result is taken at
// the first tick at or after the connect finished; a connect still in progress at the first tick
// at or after its deadline has timed out. So every interval keepalived defines (delay_loop,
// delay_before_retry, warmup, connect_timeout) is kept, stretched by at most one tick.
//
// The sockets are made on this thread, so they live in the network namespace the process was
// in when the thread started (the daemon's), whatever thread asks for a check.
final class ConnectScheduler: @unchecked Sendable {
    static let shared = ConnectScheduler(tick: .milliseconds(5))

    struct Result: Sendable {
        /// The check's index in its subscription.
        var tag: Int
        var outcome: ConnectProbe.Outcome
        /// Monotonic nanoseconds at which the result was collected: the next check's delay
        /// counts from here.
        var finishedAt: Int64
    }

    /// A set of periodic checks whose results go to one consumer.
    struct Subscription: Hashable, Sendable { let id: UInt64 }

    private enum Owner {
        case periodic(Subscription, tag: Int)
        case once(CheckedContinuation<ConnectProbe.Outcome, Never>)
    }

    private struct Slot {
        var probe: ConnectProbe
        var owner: Owner
    }

    private struct Subscriber {
        var deliver: @Sendable ([Result]) -> Void
        /// Slot ids by tag.
        var slots: [UInt64]
    }

    private struct InFlight {
        var fd: Int32
        var slot: UInt64
    }

    // Shared with submitters, under `mutex`.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var agenda: CheckAgenda<UInt64>
    private var slots: [UInt64: Slot] = [:]
    private var subscribers: [Subscription: Subscriber] = [:]
    /// One-shot checks: started at the next wakeup, which they cause, not at a tick.
    private var urgent: [UInt64] = []
    private var nextID: UInt64 = 0
    /// When the thread will wake by itself (nil: not sleeping, or sleeping until signalled).
    private var sleepingUntil: Int64?
    private var sleeping = false

    // The thread's own.
    private let epoll: Int32
    private var inFlight: [UInt64: InFlight] = [:]
    /// Names connects in progress (epoll's data): a closed fd's number is soon reused.
    private var inFlightCounter: UInt64 = 0
    private var deadlines: CheckAgenda<UInt64>
    private let events = UnsafeMutablePointer<epoll_event>.allocate(capacity: 256)

    init(tick: Duration) {
        let nanoseconds = max(1, tick.components.seconds * 1_000_000_000 + tick.components.attoseconds / 1_000_000_000)
        agenda = CheckAgenda(tick: nanoseconds)
        deadlines = CheckAgenda(tick: nanoseconds)
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        precondition(epoll >= 0, "epoll_create1: \(String(cString: strerror(errno)))")
        pthread_mutex_init(mutex, nil)
        xdpha_monotonic_cond_init(condition)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "xdpha-connect-checks"
        thread.start()
    }

    // MARK: submitters

    /// Registers periodic checks; `firstAfter[i]` is when check i first runs (warmup). Results
    /// arrive at `deliver`, on the scheduler's thread: it must return at once (yield to a stream).
    func subscribe(_ probes: [ConnectProbe], firstAfter: [Duration],
                   deliver: @escaping @Sendable ([Result]) -> Void) -> Subscription {
        let now = Self.now()
        return locked {
            nextID += 1
            let subscription = Subscription(id: nextID)
            var ids: [UInt64] = []
            for (tag, probe) in probes.enumerated() {
                nextID += 1
                slots[nextID] = Slot(probe: probe, owner: .periodic(subscription, tag: tag))
                ids.append(nextID)
                schedule(nextID, at: now + Self.nanoseconds(firstAfter[tag]))
            }
            subscribers[subscription] = Subscriber(deliver: deliver, slots: ids)
            return subscription
        }
    }

    /// Schedules the next run of each check: `after` counted from the result's `finishedAt`.
    func rearm(_ subscription: Subscription, _ next: [(tag: Int, from: Int64, after: Duration)]) {
        locked {
            guard let subscriber = subscribers[subscription] else { return }
            for item in next { schedule(subscriber.slots[item.tag], at: item.from + Self.nanoseconds(item.after)) }
        }
    }

    /// Stops the subscription's checks: none starts any more, and the connects in progress end
    /// (connected, failed or timed out) with their results dropped.
    func unsubscribe(_ subscription: Subscription) {
        locked {
            guard let subscriber = subscribers.removeValue(forKey: subscription) else { return }
            for id in subscriber.slots { slots[id] = nil }
        }
    }

    /// One check now, outside any subscription (TCPChecker.check()): its connect starts at once;
    /// only a connect still in progress after connect() waits for a tick to be collected.
    func connect(_ probe: ConnectProbe) async -> ConnectProbe.Outcome {
        await withCheckedContinuation { continuation in
            locked {
                nextID += 1
                slots[nextID] = Slot(probe: probe, owner: .once(continuation))
                urgent.append(nextID)
                if sleeping { pthread_cond_signal(condition) }
            }
        }
    }

    /// Under the lock. Wakes the thread only when it sleeps past the new item's tick.
    private func schedule(_ id: UInt64, at due: Int64) {
        agenda.schedule(id, at: due)
        guard sleeping else { return }
        if let until = sleepingUntil, until <= agenda.boundary(atOrAfter: due) { return }
        pthread_cond_signal(condition)
    }

    // MARK: the thread

    private func loop() {
        var finished: [(slot: UInt64, outcome: ConnectProbe.Outcome)] = []
        var fresh: [(fd: Int32, slot: UInt64, timeout: Duration)] = []
        pthread_mutex_lock(mutex)
        while true {
            let now = Self.now()
            let due = (urgent + agenda.takeDue(at: now)).compactMap { id in slots[id].map { (id, $0.probe) } }
            urgent.removeAll(keepingCapacity: true)
            pthread_mutex_unlock(mutex)

            for (slot, probe) in due {
                switch probe.start() {
                case .finished(let outcome): finished.append((slot, outcome))
                case .inProgress(let fd): fresh.append((fd, slot, probe.timeout))
                }
            }
            settle(fresh, startedAt: now, into: &finished)
            fresh.removeAll(keepingCapacity: true)
            if !inFlight.isEmpty { harvest(into: &finished) }
            for id in deadlines.takeDue(at: now) {
                guard let connect = inFlight.removeValue(forKey: id) else { continue }
                finished.append((connect.slot, ConnectProbe.giveUp(connect.fd)))
            }

            pthread_mutex_lock(mutex)
            if !finished.isEmpty {
                let deliveries = collect(finished, at: now)
                finished.removeAll(keepingCapacity: true)
                pthread_mutex_unlock(mutex)
                deliveries()
                pthread_mutex_lock(mutex)
            }
            // What was submitted meanwhile is in the agenda: a check already due makes this
            // return at once.
            sleep(now: now)
        }
    }

    /// Connects just started: one poll without waiting tells which have already finished (a
    /// near peer completes the handshake within connect()); the others join the epoll set with
    /// their deadline.
    private func settle(_ fresh: [(fd: Int32, slot: UInt64, timeout: Duration)], startedAt started: Int64,
                        into finished: inout [(slot: UInt64, outcome: ConnectProbe.Outcome)]) {
        guard !fresh.isEmpty else { return }
        var fds = fresh.map { pollfd(fd: $0.fd, events: Int16(POLLOUT), revents: 0) }
        if poll(&fds, nfds_t(fds.count), 0) < 0 {
            for index in fds.indices { fds[index].revents = 0 }
        }
        for (index, connect) in fresh.enumerated() {
            if fds[index].revents != 0 {
                finished.append((connect.slot, ConnectProbe.finish(connect.fd, events: UInt32(UInt16(bitPattern: fds[index].revents)))))
                continue
            }
            inFlightCounter += 1
            let id = inFlightCounter
            var event = epoll_event()
            event.events = EPOLLOUT.rawValue
            event.data.u64 = id
            guard epoll_ctl(epoll, EPOLL_CTL_ADD, connect.fd, &event) == 0 else {
                let reason = String(cString: strerror(errno))
                close(connect.fd)
                finished.append((connect.slot, .failed("epoll: \(reason)")))
                continue
            }
            inFlight[id] = InFlight(fd: connect.fd, slot: connect.slot)
            deadlines.schedule(id, at: started + Self.nanoseconds(connect.timeout))
        }
    }

    /// Every connect in progress that has finished, without waiting.
    private func harvest(into finished: inout [(slot: UInt64, outcome: ConnectProbe.Outcome)]) {
        while true {
            let count = epoll_wait(epoll, events, 256, 0)
            guard count > 0 else { return }
            for index in 0..<Int(count) {
                guard let connect = inFlight.removeValue(forKey: events[index].data.u64) else { continue }
                finished.append((connect.slot, ConnectProbe.finish(connect.fd, events: events[index].events)))
            }
            if count < 256 { return }
        }
    }

    /// Under the lock: the results grouped by subscriber (one batch each), one-shot checks
    /// removed. Returns the deliveries to run once the lock is released.
    private func collect(_ finished: [(slot: UInt64, outcome: ConnectProbe.Outcome)], at now: Int64) -> () -> Void {
        var batches: [Subscription: [Result]] = [:]
        var once: [(CheckedContinuation<ConnectProbe.Outcome, Never>, ConnectProbe.Outcome)] = []
        for (id, outcome) in finished {
            guard let slot = slots[id] else { continue }   // unsubscribed meanwhile
            switch slot.owner {
            case .periodic(let subscription, let tag):
                batches[subscription, default: []].append(Result(tag: tag, outcome: outcome, finishedAt: now))
            case .once(let continuation):
                slots[id] = nil
                once.append((continuation, outcome))
            }
        }
        let deliveries = batches.compactMap { subscription, batch in
            subscribers[subscription].map { subscriber in { subscriber.deliver(batch) } }
        }
        return {
            for deliver in deliveries { deliver() }
            for (continuation, outcome) in once { continuation.resume(returning: outcome) }
        }
    }

    /// Under the lock: until the next tick that has work (a check due, a connect to collect or
    /// to time out), or until a submission signals.
    private func sleep(now: Int64) {
        guard urgent.isEmpty else { return }
        var wake = agenda.wakeTime
        if !inFlight.isEmpty {
            let collect = agenda.boundary(after: now)
            wake = min(wake ?? collect, collect)
        }
        sleeping = true
        sleepingUntil = wake
        if let wake {
            var until = timespec(tv_sec: Int(wake / 1_000_000_000), tv_nsec: Int(wake % 1_000_000_000))
            pthread_cond_timedwait(condition, mutex, &until)
        } else {
            pthread_cond_wait(condition, mutex)
        }
        sleeping = false
        sleepingUntil = nil
    }

    private func locked<T>(_ body: () -> T) -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return body()
    }

    static func now() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
