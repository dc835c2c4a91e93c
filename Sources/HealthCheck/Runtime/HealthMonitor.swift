// Runs the checkers of a set of virtual servers on the real clock and publishes HealthEvents.
// The decisions are VirtualServerHealth's (pure); this actor only owns the loops, the clock and
// the notify scripts. TCP_CHECKs run on ConnectScheduler's thread, which hands their results
// over in batches (one actor hop per tick, not per check); every other checker has a task that
// sleeps, checks and records. Usage:
//
//     let monitor = try HealthMonitor(services: [vs], environment: CheckerEnvironment())
//     Task { for await event in monitor.events { dataPath.apply(event) } }
//     try await monitor.run()          // until the surrounding task is cancelled
public actor HealthMonitor {
    public nonisolated let events: AsyncStream<HealthEvent>
    private let continuation: AsyncStream<HealthEvent>.Continuation
    private var services: [String: VirtualServerHealth]
    private let order: [String]
    private let checkers: [CheckerKey: any HealthChecker]
    private let environment: CheckerEnvironment
    private let notifier: Notifier
    private var shutdownScripts = true

    struct CheckerKey: Hashable, Sendable {
        var service: String
        var real: Int
        var checker: Int
    }

    /// `adopting`: the previous monitor's `snapshot()` on reload (see VirtualServerHealth.adopt).
    public init(services configurations: [VirtualServerHealthConfiguration],
                environment: CheckerEnvironment = CheckerEnvironment(),
                adopting previous: [VirtualServerHealth] = []) throws {
        let known = Dictionary(previous.map { ($0.configuration.name, $0) }) { first, _ in first }
        (events, continuation) = AsyncStream.makeStream(of: HealthEvent.self)
        var services: [String: VirtualServerHealth] = [:]
        var checkers: [CheckerKey: any HealthChecker] = [:]
        for configuration in configurations {
            guard services[configuration.name] == nil else { throw HealthMonitorError.duplicateService(configuration.name) }
            var health = VirtualServerHealth(configuration)
            if let old = known[configuration.name] { health.adopt(old) }
            for (realIndex, real) in health.reals.enumerated() {
                for (checkerIndex, checker) in real.configuration.checkers.enumerated() {
                    checkers[CheckerKey(service: configuration.name, real: realIndex, checker: checkerIndex)] =
                        try CheckerFactory.make(checker, real: real.configuration.endpoint,
                                                timing: real.checkers[checkerIndex].timing, environment: environment)
                }
            }
            services[configuration.name] = health
        }
        self.services = services
        self.order = configurations.map(\.name)
        self.checkers = checkers
        self.environment = environment
        self.notifier = Notifier(runner: environment.scripts)
    }

    /// Every virtual server's state now, in configuration order (status, and the next monitor's
    /// `adopting` on reload).
    public func snapshot() -> [VirtualServerHealth] { order.compactMap { services[$0] } }

    /// This monitor is being replaced (reload), not shut down: when cancelled it skips omega's
    /// shutdown scripts.
    public func skipShutdownScripts() { shutdownScripts = false }

    /// The pool the data path should hold for `service` now.
    public func pool(of service: String) -> [PoolMember]? { services[service]?.pool }

    /// Starts every checker and runs until cancelled; then (omega) runs the shutdown notifiers
    /// and finishes the event stream.
    public func run() async {
        for name in order {
            guard var health = services[name] else { continue }
            publish(health.start())
            services[name] = health
        }
        await withTaskGroup(of: Void.self) { group in
            var connects: [ScheduledConnect] = []
            for (key, checker) in checkers {
                guard let timing = services[key.service]?.reals[key.real].checkers[key.checker].timing else { continue }
                if let tcp = checker as? TCPChecker {
                    connects.append(ScheduledConnect(key: key, checker: tcp, timing: timing))
                } else {
                    group.addTask { await self.loop(key, checker: checker, timing: timing) }
                }
            }
            if !connects.isEmpty {
                group.addTask { [connects] in await self.runConnectChecks(connects) }
            }
            await group.waitForAll()
        }
        for name in order where shutdownScripts {
            guard var health = services[name] else { continue }
            let changes = health.stop()
            services[name] = health
            for script in changes.scripts { _ = await environment.scripts.run(script, timeout: .seconds(1)) }
        }
        await notifier.drain()
        continuation.finish()
    }

    private nonisolated func loop(_ key: CheckerKey, checker: any HealthChecker, timing: ResolvedTiming) async {
        var rng = SystemRandomNumberGenerator()
        var delay = Warmup.initialDelay(timing, using: &rng)
        while !Task.isCancelled {
            do { try await Task.sleep(for: delay) } catch { return }
            let outcome = await checker.check()
            if Task.isCancelled { return }
            delay = await record(key, outcome)
        }
    }

    struct ScheduledConnect: Sendable {
        var key: CheckerKey
        var checker: TCPChecker
        var timing: ResolvedTiming
    }

    /// The TCP_CHECKs, on ConnectScheduler's thread: each batch of results is recorded in one
    /// hop into the actor, and each check re-armed with the delay its RetryPolicy chose.
    private nonisolated func runConnectChecks(_ connects: [ScheduledConnect]) async {
        let scheduler = ConnectScheduler.shared
        let (batches, continuation) = AsyncStream.makeStream(of: [ConnectScheduler.Result].self)
        var rng = SystemRandomNumberGenerator()
        let warmups = connects.map { Warmup.initialDelay($0.timing, using: &rng) }
        let subscription = scheduler.subscribe(connects.map(\.checker.probe), firstAfter: warmups) { continuation.yield($0) }
        // Ends when the task is cancelled.
        for await batch in batches {
            if Task.isCancelled { break }
            let next = await record(batch, of: connects)
            scheduler.rearm(subscription, next)
        }
        scheduler.unsubscribe(subscription)
        continuation.finish()
    }

    private func record(_ batch: [ConnectScheduler.Result], of connects: [ScheduledConnect])
        -> [(tag: Int, from: Int64, after: Duration)] {
        batch.map { result in
            let connect = connects[result.tag]
            let outcome = TCPChecker.verdict(result.outcome, target: connect.checker.target)
            return (result.tag, result.finishedAt, record(connect.key, outcome))
        }
    }

    private func record(_ key: CheckerKey, _ outcome: CheckOutcome) -> Duration {
        // Mutated in place: copying a service out of the dictionary would copy all its reals.
        guard let (changes, next) = services[key.service]?.record(real: key.real, checker: key.checker, outcome) else {
            return .seconds(60)
        }
        publish(changes)
        return next
    }

    private func publish(_ changes: HealthChanges) {
        for event in changes.events { continuation.yield(event) }
        for script in changes.scripts { notifier.enqueue(script) }
    }
}

public enum HealthMonitorError: Error, Hashable, CustomStringConvertible {
    case duplicateService(String)
    public var description: String {
        switch self {
        case .duplicateService(let name): "virtual server \(name) is configured twice"
        }
    }
}
