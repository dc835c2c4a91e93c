// A simulated LAN segment: virtual routers on one shared virtual clock, each advert one sends
// delivered at once to all the others. Lets a test run an election instead of scripting it.
import VRRP

struct Segment {
    private(set) var routers: [VirtualRouter]
    let sources: [IPAddress]
    private(set) var now = MonotonicInstant.origin
    /// Every advert sent, with the index of its sender and the time.
    private(set) var log: [(at: MonotonicInstant, from: Int, advert: VRRPAdvert)] = []

    init(_ configurations: [VirtualRouterConfiguration]) {
        routers = configurations.map(makeRouter)
        sources = configurations.map(\.primaryAddress)
    }

    var states: [VRRPState] { routers.map(\.state) }

    /// Delivers `event` to router `index` at the current time, then the adverts that follow.
    mutating func send(_ event: VRRPEvent, to index: Int) {
        var pending = [(index, routers[index].handle(event, at: now).sentAdverts)]
        while let (sender, adverts) = pending.popLast() {
            for advert in adverts {
                log.append((now, sender, advert))
                for receiver in routers.indices where receiver != sender {
                    let event = VRRPEvent.advertReceived(advert, source: sources[sender], hopLimit: 255)
                    pending.append((receiver, routers[receiver].handle(event, at: now).sentAdverts))
                }
            }
        }
    }

    /// Moves time to the earliest armed deadline (not past `limit`) and fires it. False when no
    /// timer is due by `limit`.
    mutating func step(until limit: MonotonicInstant) -> Bool {
        var earliest: (deadline: MonotonicInstant, index: Int, timer: VRRPTimer)?
        for (index, router) in routers.enumerated() {
            for (timer, deadline) in router.timerDeadlines where deadline <= limit {
                if earliest == nil || deadline < earliest!.deadline { earliest = (deadline, index, timer) }
            }
        }
        guard let earliest else { return false }
        now = max(now, earliest.deadline)
        send(.timerFired(earliest.timer), to: earliest.index)
        return true
    }

    /// Runs every timer due up to `now + duration`, then sets the clock there.
    mutating func run(for duration: Duration) {
        let limit = now.advanced(by: duration)
        while step(until: limit) {}
        now = limit
    }
}
