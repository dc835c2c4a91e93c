// The XDP data-path controller: keepalived virtual servers in, programmed DR maps and an attached
// entry program out.
//
//   KeepalivedConfig -> ServiceMapping -> [Service] -> links of the reals (route + neighbour)
//   -> DataPathPlanner (resumed from the maps) -> DRPathBuilder -> EntryProgram.programDR
//   -> XDP attached and DR steering switched on where the reals are reached (or where told)
//
// `xdpha attach` applies once and exits (the program stays attached through netlink and the maps
// stay pinned); the daemon calls start/reload/stop and lets the controller follow the neighbour
// table in the background, so that a real that resolves later, or changes its MAC, is taken up.
import Balancer
import BPF
import Config
import Foundation
import Logging

public struct DRControllerOptions: Sendable {
    /// Where the maps are pinned; nil keeps them private to this process.
    public var pinDirectory: PinDirectory?
    /// --bpf-object: load this object instead of the embedded one (development).
    public var objectPath: String?
    /// The interface to steer on; nil steers on every interface through which reals are reached.
    public var steeringInterface: String?
    /// How long one apply waits for reals whose neighbour is being solicited.
    public var neighbourWait: Duration
    /// How often the background refresh looks at the neighbour table while a real is unresolved
    /// (ten times as long while every real is resolved).
    public var refreshInterval: Duration
    /// False: only the maps are written; no XDP attach and no steering switch (a caller that
    /// attaches itself, or tests that run frames through BPF_PROG_TEST_RUN).
    public var attachesXDP: Bool

    public init(pinDirectory: PinDirectory? = PinDirectory(), objectPath: String? = nil, steeringInterface: String? = nil,
                neighbourWait: Duration = .seconds(3), refreshInterval: Duration = .seconds(1), attachesXDP: Bool = true) {
        self.pinDirectory = pinDirectory
        self.objectPath = objectPath
        self.steeringInterface = steeringInterface
        self.neighbourWait = neighbourWait
        self.refreshInterval = refreshInterval
        self.attachesXDP = attachesXDP
    }
}

public actor DRController {
    public let options: DRControllerOptions
    public let program: EntryProgram
    let resolver: any RealLinkResolving
    let logger: Logger
    var planner: DataPathPlanner?
    var mapping: ServiceMapping?
    var links: [Balancer.IPAddress: RealLink] = [:]
    /// Interfaces this controller switched DR steering on for.
    var steered: Set<UInt32> = []
    var refreshTask: Task<Void, Never>?

    static let limits = DataPathLimits(maxServices: DRDataPath.maxServices, maxReals: DRDataPath.maxReals,
                                       ringSlots: DRDataPath.ringSlots)

    /// Uses `program` (the daemon's, shared with its VRRP stage) or loads the entry program with
    /// the options' object and pin directory.
    public init(options: DRControllerOptions, resolver: any RealLinkResolving, program: EntryProgram? = nil,
                logger: Logger = Logger(label: "xdpha.dataplane")) throws {
        self.options = options
        self.resolver = resolver
        self.logger = logger
        if let program {
            self.program = program
        } else {
            if let warning = try options.pinDirectory?.prepare() { logger.warning("\(warning)") }
            self.program = try EntryProgram(objectPath: options.objectPath, pinDirectory: options.pinDirectory?.path)
        }
    }

    // MARK: the daemon's calls

    /// Programs the configuration's services and keeps following the neighbour table.
    @discardableResult
    public func start(config: KeepalivedConfig) async throws -> DRApplyReport {
        let report = try await apply(config)
        startRefreshing()
        return report
    }

    /// Programs a new configuration; on error the running one stays.
    @discardableResult
    public func reload(config: KeepalivedConfig) async throws -> DRApplyReport {
        try await apply(config)
    }

    /// Stops following the neighbour table. Forwarding goes on as programmed (a restart continues
    /// with the pinned maps) unless `removingSteering`, which switches steering off where this
    /// controller switched it on and detaches XDP where no other stage runs.
    public func stop(removingSteering: Bool = false) async {
        refreshTask?.cancel()
        refreshTask = nil
        guard removingSteering else { return }
        for ifindex in steered {
            do {
                try await Self.stopSteering(program: program, ifindex: ifindex)
            } catch {
                logger.warning("ifindex \(ifindex): turning DR steering off failed: \(error)")
            }
        }
        steered = []
    }

    // MARK: one apply

    /// Maps, resolves, plans and programs `config`, then attaches and switches steering on.
    @discardableResult
    public func apply(_ config: KeepalivedConfig) async throws -> DRApplyReport {
        let mapping = try ServiceMapping.map(config)
        let addresses = Set(mapping.services.flatMap { $0.reals.map(\.address) })
        var links = await resolver.links(of: addresses, solicit: true)
        links = await waitForNeighbours(links)
        var report = try await write(mapping, links: links)
        report.notes = mapping.notes
        self.mapping = mapping
        return report
    }

    /// Plans and writes `mapping` with `links`, then steers; the planner only remembers a plan
    /// that was written.
    func write(_ mapping: ServiceMapping, links: [Balancer.IPAddress: RealLink]) async throws -> DRApplyReport {
        let resumed = self.planner == nil
        var planner = try await currentPlanner()
        let before = planner.memory
        let state = try planner.plan(DRPathBuilder.plannable(mapping.services, links: links))
        if resumed {
            // DRMaps keeps counters it did not write itself; those of services and reals that are
            // new to the maps may be a former occupant's.
            let knownServices = Set(before.serviceIDs.map { "\($0.key)#\($0.value)" })
            let knownReals = Set(before.reals.map { "\($0.index)#\($0.generation)" })
            try await program.zeroDRCounters(
                serviceIDs: state.services.filter { !knownServices.contains("\($0.key)#\($0.id)") }.map(\.id),
                realIndices: state.reals.filter { !knownReals.contains("\($0.index)#\($0.generation)") }.map(\.index))
        }
        try await program.programDR(DRPathBuilder.dataPath(state, configured: mapping.services, links: links))
        self.planner = planner
        self.links = links

        var report = DRApplyReport()
        report.services = mapping.services.map(\.key)
        for service in mapping.services {
            for real in service.reals {
                report.reals.append(.init(service: service.key, server: real,
                                          link: links[real.address] ?? .unreachable("not resolved")))
            }
        }
        for real in report.unresolved {
            switch real.link {
            case .soliciting:
                report.warnings.append("\(real.server) (\(real.service)) has no MAC yet: it takes no new flows until its neighbour answers")
            case .unreachable(let reason):
                report.warnings.append("\(real.server) (\(real.service)) cannot be used: \(reason)")
            case .resolved:
                break
            }
        }
        // ifindex 0 in a link means "out of the interface the frame came in on" (XDP_TX).
        let realInterfaces = Set(links.values.compactMap { $0.ifindex }.filter { $0 != 0 })
        try await program.setDREgress(realInterfaces)
        if options.attachesXDP {
            report.steering = try await steer(on: try steeringInterfaces(realInterfaces), report: &report)
        }
        return report
    }

    private func currentPlanner() async throws -> DataPathPlanner {
        if let planner { return planner }
        let snapshot = try await program.drSnapshot()
        let memory = PlannerResume.memory(from: snapshot)
        if !memory.reals.isEmpty || !memory.serviceIDs.isEmpty {
            logger.info("continuing from the maps: \(memory.serviceIDs.count) services, \(memory.reals.count) reals")
        }
        return DataPathPlanner(limits: Self.limits, resuming: memory)
    }

    /// Re-asks for soliciting reals until they resolve or the wait is over; solicits again each second.
    private func waitForNeighbours(_ initial: [Balancer.IPAddress: RealLink]) async -> [Balancer.IPAddress: RealLink] {
        var links = initial
        let clock = ContinuousClock()
        let deadline = clock.now + options.neighbourWait
        var lastSolicit = clock.now
        while clock.now < deadline {
            let pending = Set(links.filter { if case .soliciting = $0.value { return true } else { return false } }.keys)
            if pending.isEmpty { break }
            try? await Task.sleep(for: .milliseconds(50))
            let solicit = clock.now - lastSolicit >= .seconds(1)
            if solicit { lastSolicit = clock.now }
            for (address, link) in await resolver.links(of: pending, solicit: solicit) { links[address] = link }
        }
        return links
    }
}

public struct DRControllerError: Error, CustomStringConvertible, Sendable {
    public let description: String
}
