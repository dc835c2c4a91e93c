// Shared by the VRRP tests: a virtual clock, a seeded random generator, addresses and
// configurations, and readers for the outputs of a VirtualRouter.
import SeededRandom
import Testing
import VRRP

/// Seeded, so a failing random case can be replayed from its seed.
typealias SeededGenerator = SplitMix64

/// A clock the test moves by hand.
struct VirtualClock {
    private(set) var now = MonotonicInstant.origin

    mutating func advance(_ duration: Duration) { now = now.advanced(by: duration) }
    mutating func advance(to instant: MonotonicInstant) { now = instant }
}

func ip(_ text: String) -> IPAddress {
    guard let address = IPAddress(text) else { fatalError("bad address literal \(text)") }
    return address
}

func v4(_ text: String) -> IPv4Address {
    guard let address = IPv4Address(text) else { fatalError("bad IPv4 literal \(text)") }
    return address
}

func v6(_ text: String) -> IPv6Address {
    guard let address = IPv6Address(text) else { fatalError("bad IPv6 literal \(text)") }
    return address
}

func interval(cs: Int) -> AdvertInterval {
    guard let value = AdvertInterval(centiseconds: cs) else { fatalError("bad interval \(cs)") }
    return value
}

func password(_ text: String) -> VRRPPassword {
    guard let value = VRRPPassword(text) else { fatalError("bad password \(text)") }
    return value
}

/// Addresses of the tests: this router is .1, peers are .2 (higher) and .0.9 (lower).
enum Fixture {
    static let local = ip("198.51.100.1")
    static let higherPeer = ip("198.51.100.2")
    static let lowerPeer = ip("198.51.100.0")
    static let vip = ip("198.51.100.100")
    static let group = IPHeaderAddresses.ipv4(source: v4("198.51.100.2"), destination: v4("224.0.0.18"))
}

func v3Config(priority: UInt8 = 100, intervalCS: Int = 100, preempt: Bool = true,
              preemptDelay: Duration = .zero, acceptMode: Bool = false,
              reannounce: Duration? = nil) -> VirtualRouterConfiguration {
    VirtualRouterConfiguration(
        virtualRouterID: 7, version: .v3, priority: priority,
        advertisementInterval: interval(cs: intervalCS), primaryAddress: Fixture.local,
        virtualAddresses: [Fixture.vip], preemptMode: preempt, preemptDelay: preemptDelay,
        acceptMode: acceptMode, reannounceDelay: reannounce)
}

func v2Config(priority: UInt8 = 100, seconds: Int = 1,
              authentication: V2Authentication = .none) -> VirtualRouterConfiguration {
    VirtualRouterConfiguration(
        virtualRouterID: 7, version: .v2, priority: priority,
        advertisementInterval: interval(cs: seconds * 100), primaryAddress: Fixture.local,
        virtualAddresses: [Fixture.vip], authentication: authentication, reannounceDelay: nil)
}

func makeRouter(_ configuration: VirtualRouterConfiguration) -> VirtualRouter {
    do {
        return try VirtualRouter(configuration: configuration)
    } catch {
        fatalError("test configuration rejected: \(error)")
    }
}

/// An advert from a peer of the router configured by `config`, matching its settings.
func peerAdvert(for config: VirtualRouterConfiguration, priority: UInt8,
                intervalCS: Int? = nil) -> VRRPAdvert {
    VRRPAdvert(version: config.version, virtualRouterID: config.virtualRouterID, priority: priority,
               interval: intervalCS.map { interval(cs: $0) } ?? config.advertisementInterval,
               addresses: config.virtualAddresses,
               authentication: config.version == .v2 ? config.authentication : .none)
}

/// A router and its virtual clock, driven event by event.
struct Harness {
    var router: VirtualRouter
    var clock = VirtualClock()
    /// Actions of the last event.
    var last: [VRRPAction] = []

    init(_ configuration: VirtualRouterConfiguration) {
        router = makeRouter(configuration)
    }

    @discardableResult
    mutating func send(_ event: VRRPEvent) -> [VRRPAction] {
        last = router.handle(event, at: clock.now)
        return last
    }

    /// Moves the clock to the deadline of `timer` and fires it.
    @discardableResult
    mutating func fire(_ timer: VRRPTimer) -> [VRRPAction] {
        guard let deadline = router.timerDeadlines[timer] else {
            Issue.record("timer \(timer) is not armed in state \(router.state)")
            return []
        }
        clock.advance(to: deadline)
        return send(.timerFired(timer))
    }

    @discardableResult
    mutating func receive(_ advert: VRRPAdvert, from source: IPAddress,
                          hopLimit: UInt8? = 255) -> [VRRPAction] {
        send(.advertReceived(advert, source: source, hopLimit: hopLimit))
    }

    mutating func advance(_ duration: Duration) { clock.advance(duration) }

    /// Starts a non-owner and lets its Master_Down_Timer run out, leaving it Master.
    mutating func startAsMaster() {
        send(.startup)
        fire(.masterDown)
    }
}

extension Array where Element == VRRPAction {
    var sentAdverts: [VRRPAdvert] {
        compactMap { if case .sendAdvert(let advert) = $0 { advert } else { nil } }
    }

    func deadline(of timer: VRRPTimer) -> MonotonicInstant? {
        for case .armTimer(let armed, let deadline) in self where armed == timer { return deadline }
        return nil
    }

    func cancels(_ timer: VRRPTimer) -> Bool { contains(.cancelTimer(timer)) }

    var transition: (from: VRRPState, to: VRRPState, reason: TransitionReason)? {
        for case .stateChanged(let from, let to, let reason) in self { return (from, to, reason) }
        return nil
    }

    var rejection: AdvertRejectionReason? {
        for case .advertRejected(let rejection) in self { return rejection.reason }
        return nil
    }

    var announced: [IPAddress]? {
        for case .announceAddresses(let addresses) in self { return addresses }
        return nil
    }

    var addedAddresses: (addresses: [IPAddress], acceptMode: Bool)? {
        for case .addVirtualAddresses(let addresses, let accept) in self { return (addresses, accept) }
        return nil
    }

    var removedAddresses: [IPAddress]? {
        for case .removeVirtualAddresses(let addresses) in self { return addresses }
        return nil
    }
}

/// Hex text ("45 c0 00 28 ..."), with lines starting with # ignored.
func bytes(fromHex text: String) -> [UInt8] {
    let digits = text.split(separator: "\n").filter { !$0.hasPrefix("#") }
        .joined().filter { $0.isHexDigit }
    var result: [UInt8] = []
    var index = digits.startIndex
    while index < digits.endIndex {
        let next = digits.index(index, offsetBy: 2)
        result.append(UInt8(digits[index..<next], radix: 16)!)
        index = next
    }
    return result
}
