@testable import HealthCheck

// A virtual clock for VirtualServerHealth: checks complete instantly at their due time, the next
// one is due `nextCheckAfter` later, and the server's answer is a function of time.
struct Simulation {
    var health: VirtualServerHealth
    var now: Duration = .zero
    private(set) var log: [(time: Duration, event: HealthEvent)] = []
    private(set) var scripts: [(time: Duration, script: ScriptCommand)] = []
    private var due: [Slot] = []

    struct Slot { var time: Duration; var real: Int; var checker: Int }

    init(_ configuration: VirtualServerHealthConfiguration, firstChecksAt start: Duration = .zero) {
        health = VirtualServerHealth(configuration)
        let changes = health.start()
        for event in changes.events { log.append((.zero, event)) }
        for script in changes.scripts { scripts.append((.zero, script)) }
        for (realIndex, real) in health.reals.enumerated() {
            for checkerIndex in real.checkers.indices {
                due.append(Slot(time: start, real: realIndex, checker: checkerIndex))
            }
        }
    }

    /// Runs every check due up to `end`; `answer(real, checker, time)` is the server's behaviour.
    mutating func run(until end: Duration, _ answer: (Int, Int, Duration) -> CheckOutcome) {
        while let index = due.indices.min(by: { due[$0].time < due[$1].time }), due[index].time <= end {
            let slot = due[index]
            now = slot.time
            let (changes, next) = health.record(real: slot.real, checker: slot.checker, answer(slot.real, slot.checker, now))
            for event in changes.events { log.append((now, event)) }
            for script in changes.scripts { scripts.append((now, script)) }
            due[index].time = now + next
        }
        now = end
    }

    /// Events other than pool snapshots, with their times.
    var transitions: [(time: Duration, event: HealthEvent)] {
        log.filter { if case .poolChanged = $0.event { false } else { true } }
    }

    func firstTime(of predicate: (HealthEvent) -> Bool) -> Duration? {
        log.first { predicate($0.event) }?.time
    }
}

extension HealthEvent {
    var isDown: Bool { if case .realServerDown = self { true } else { false } }
    var isUp: Bool { if case .realServerUp = self { true } else { false } }
    var isQuorumLost: Bool { if case .quorumLost = self { true } else { false } }
    var isQuorumRegained: Bool { if case .quorumRegained = self { true } else { false } }
}

func tcpReal(_ address: String, weight: Int = 1, timing: CheckTiming = CheckTiming(),
             notifyUp: ScriptCommand? = nil, notifyDown: ScriptCommand? = nil,
             inhibit: Bool? = nil, checkers: Int = 1) -> RealServerHealthConfiguration {
    RealServerHealthConfiguration(endpoint: Endpoint(address, 80), weight: weight, inhibitOnFailure: inhibit,
                                  notifyUp: notifyUp, notifyDown: notifyDown, timing: timing,
                                  checkers: Array(repeating: CheckerConfiguration(.tcp), count: checkers))
}
