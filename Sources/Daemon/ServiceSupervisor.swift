// The daemon's owner of real-server health: it runs the checkers of the current configuration
// (one HealthMonitor) and keeps a data path holding what they decide. At start and on reload it
// plans the checkers (ServiceHealth.HealthPlan), hands the data path the effective configuration
// (configured virtual servers, real servers as the checkers keep them) and only then switches to
// the new checkers, so a configuration the data path refuses changes nothing. On every pool change
// it applies again, once per burst: changes that arrive within `coalescing` of the first one go
// out together. A failed apply is logged and the data path keeps what it held; checkers never
// throw, so nothing here can end the daemon after start.
import Config
import Dataplane
import HealthCheck
import Logging
import ServiceHealth

public actor ServiceSupervisor {
    private let logger: Logger
    private let coalescing: Duration
    /// Shared by every generation of checkers: PING_CHECK's sockets are opened once.
    private let icmp = ICMPSockets()
    private var dataPath: (any DataPath)?
    /// notify_fifo / lvs_notify_fifo, when the daemon has them.
    private var fifos: NotifyFIFOs?
    private var fifoNames: [String: VirtualServer] = [:]

    private var config = KeepalivedConfig()
    private var pools: [String: [PoolMember]] = [:]
    private var running: RunningMonitor?
    /// Counts monitors, so that a replaced monitor's late events are ignored.
    private var generation = 0
    private var lastApplied: [VirtualServer]?
    private var flushScheduled = false

    /// One apply at a time (start, reload and bursts of health changes), in arrival order.
    private var applying = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    private struct RunningMonitor {
        let monitor: HealthMonitor
        let run: Task<Void, Never>
        let events: Task<Void, Never>
    }

    public init(logger: Logger, coalescing: Duration = .milliseconds(50)) {
        self.logger = logger
        self.coalescing = coalescing
    }

    /// Applies `config` to `dataPath` with the checkers' initial verdicts (every real in, except
    /// `alpha` ones) and starts the checkers. Throws, starting nothing, when a checker cannot be
    /// planned or the data path refuses the configuration.
    public func start(_ config: KeepalivedConfig, on dataPath: any DataPath) async throws {
        self.dataPath = dataPath
        try await replace(with: config)
    }

    /// SIGHUP: the new checkers adopt what the old ones knew of every real whose checkers did not
    /// change; the others start afresh. Throws, keeping everything as it runs, when the new
    /// configuration cannot be planned or the data path refuses it.
    public func reload(_ config: KeepalivedConfig) async throws {
        try await replace(with: config)
    }

    /// Shutdown: stops the checkers (omega's scripts run) and the data path (forwarding may stay).
    public func stop() async {
        if let running {
            running.run.cancel()
            await running.run.value
            running.events.cancel()
            self.running = nil
        }
        await dataPath?.stop()
    }

    /// Every virtual server's real servers as the checkers see them, for `xdpha status`.
    public func status() async -> [ServiceHealthStatus] {
        guard let running else { return [] }
        return await running.monitor.snapshot().map(ServiceHealthStatus.init)
    }

    // MARK: configurations

    private func replace(with newConfig: KeepalivedConfig) async throws {
        guard let dataPath else { return }
        let plan = try HealthPlan(newConfig)
        let previous = await running?.monitor.snapshot() ?? []
        let environment = CheckerEnvironment(scripts: ScriptRunner(policy: plan.scriptPolicy), icmp: icmp)
        let monitor = try HealthMonitor(services: plan.services, environment: environment, adopting: previous)
        var newPools: [String: [PoolMember]] = [:]
        for service in plan.services { newPools[service.name] = await monitor.pool(of: service.name) }

        await acquire()
        defer { release() }
        do {
            try await apply(EffectiveConfig.make(newConfig, pools: newPools), to: dataPath)
        } catch {
            await Self.discard(monitor)
            throw error
        }
        let replaced = running
        generation += 1
        config = newConfig
        fifoNames = [:]
        pools = newPools
        running = launch(monitor, generation: generation)
        if let replaced {
            await replaced.monitor.skipShutdownScripts()
            replaced.run.cancel()
            replaced.events.cancel()
        }
        let reals = plan.services.reduce(0) { $0 + $1.reals.count }
        let checkers = plan.services.reduce(0) { $0 + $1.reals.reduce(0) { $0 + $1.checkers.count } }
        let kept = previous.isEmpty ? "" : " (reals whose checkers did not change keep their state)"
        logger.notice("health checks: \(plan.services.count) virtual servers, \(reals) real servers, \(checkers) checkers\(kept)")
    }

    private func launch(_ monitor: HealthMonitor, generation: Int) -> RunningMonitor {
        let run = Task { await monitor.run() }
        let events = Task {
            for await event in monitor.events { self.handle(event, generation: generation) }
        }
        return RunningMonitor(monitor: monitor, run: run, events: events)
    }

    /// A monitor that never ran: let it finish its (empty) life so its tasks end.
    private static func discard(_ monitor: HealthMonitor) async {
        await monitor.skipShutdownScripts()
        let run = Task { await monitor.run() }
        run.cancel()
        await run.value
    }

    // MARK: health changes

    /// Writes real and virtual server events to these FIFOs from now on.
    func useFIFOs(_ fifos: NotifyFIFOs) { self.fifos = fifos }

    private func handle(_ event: HealthEvent, generation: Int) {
        guard generation == self.generation else { return }
        if let fifos {
            if fifoNames.isEmpty { fifoNames = LVSFIFOLines.index(config) }
            if let line = LVSFIFOLines.line(for: event, servers: fifoNames) { fifos.lvs(line) }
        }
        switch event {
        case .realServerUp(let id, let weight):
            logger.notice("real server \(id): up, weight \(weight)")
        case .realServerDown(let id, let inhibited):
            let effect = inhibited ? "kept at weight 0 (inhibit_on_failure)" : "taken out of the pool"
            logger.warning("real server \(id): down, \(effect)")
        case .realServerWeightChanged(let id, let weight):
            logger.notice("real server \(id): weight \(weight)")
        case .quorumLost(let name, let sorry):
            let effect = sorry.map { ", sorry server \($0) takes the traffic" } ?? ""
            logger.warning("virtual server \(name): quorum lost\(effect)")
        case .quorumRegained(let name):
            logger.notice("virtual server \(name): quorum regained")
        case .poolChanged(let name, let pool):
            pools[name] = pool
            logger.info("virtual server \(name): pool \(pool.isEmpty ? "empty" : pool.map(\.description).joined(separator: ", "))")
            scheduleFlush()
        }
    }

    private func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            try? await Task.sleep(for: coalescing)
            await flush()
        }
    }

    private func flush() async {
        await acquire()
        defer { release() }
        flushScheduled = false
        guard let dataPath else { return }
        let effective = EffectiveConfig.make(config, pools: pools)
        guard effective.virtualServers != lastApplied else { return }
        do {
            try await apply(effective, to: dataPath)
        } catch {
            logger.error("health change not applied to the \(dataPath.name) data path, it keeps what it held: \(error)")
        }
    }

    private func apply(_ effective: KeepalivedConfig, to dataPath: any DataPath) async throws {
        let report = try await dataPath.apply(effective)
        lastApplied = effective.virtualServers
        logger.info("\(report)")
    }

    private func acquire() async {
        guard applying else { applying = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty { applying = false } else { waiting.removeFirst().resume() }
    }
}
