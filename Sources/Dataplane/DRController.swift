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
    private let resolver: any RealLinkResolving
    private let logger: Logger
    private var planner: DataPathPlanner?
    private var mapping: ServiceMapping?
    private var links: [Balancer.IPAddress: RealLink] = [:]
    /// Interfaces this controller switched DR steering on for.
    private var steered: Set<UInt32> = []
    private var refreshTask: Task<Void, Never>?

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
    private func write(_ mapping: ServiceMapping, links: [Balancer.IPAddress: RealLink]) async throws -> DRApplyReport {
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

    // MARK: steering

    private func steeringInterfaces(_ realInterfaces: Set<UInt32>) throws -> [(name: String, ifindex: UInt32)] {
        if let name = options.steeringInterface {
            let index = if_nametoindex(name)
            guard index != 0 else { throw DRControllerError(description: "no interface \(name)") }
            return [(name, index)]
        }
        return realInterfaces.sorted().map { ifindex in
            var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            let name = if_indextoname(ifindex, &buffer) != nil ? CText.string(buffer) : "ifindex \(ifindex)"
            return (name, ifindex)
        }
    }

    /// Attaches the entry program where it is not attached yet and switches DR steering on; turns
    /// it off where this controller had switched it on and no real is reached any more.
    private func steer(on interfaces: [(name: String, ifindex: UInt32)],
                       report: inout DRApplyReport) async throws -> [DRApplyReport.Steering] {
        let fd = await program.entryFD
        let ownID = try XDPAttachment.programID(fd: fd)
        var result: [DRApplyReport.Steering] = []
        for (name, ifindex) in interfaces {
            var mode: XDPMode?
            if try XDPAttachment.attachedProgramID(ifindex: Int32(ifindex)) != ownID {
                let attached = try XDPAttachment.attachPreferringNative(programFD: fd, ifindex: Int32(ifindex))
                if attached == .generic {
                    report.warnings.append("\(name): the driver refused native XDP; attached in generic (skb) mode, which is slower")
                }
                logger.notice("\(name): XDP entry program attached in \(attached.rawValue) mode")
                mode = attached
            }
            try await program.setDRSteering(true, ifindex: ifindex)
            steered.insert(ifindex)
            result.append(.init(interface: name, ifindex: ifindex, attachedMode: mode))
        }
        for ifindex in steered.subtracting(interfaces.map(\.ifindex)) {
            try await Self.stopSteering(program: program, ifindex: ifindex)
            steered.remove(ifindex)
            logger.notice("ifindex \(ifindex): DR steering off (no real is reached through it any more)")
        }
        return result
    }

    /// Switches DR steering off for `ifindex` and detaches XDP when no other stage runs there.
    static func stopSteering(program: EntryProgram, ifindex: UInt32) async throws {
        try await program.setDRSteering(false, ifindex: ifindex)
        if try await program.interfaceStageFlags(ifindex: ifindex) == nil {
            try XDPAttachment.detach(ifindex: Int32(ifindex))
        }
    }

    // MARK: following the neighbour table

    private func startRefreshing() {
        guard refreshTask == nil else { return }
        let interval = options.refreshInterval
        refreshTask = Task { [weak self] in
            var quietRounds = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                guard let self else { return }
                let settled = await self.refresh(solicit: quietRounds % 10 == 0)
                quietRounds = settled ? quietRounds + 1 : 0
            }
        }
    }

    /// Looks the reals up again and reprograms when a link changed. Returns true when every real
    /// is resolved (the caller then looks less often).
    private func refresh(solicit: Bool) async -> Bool {
        guard let mapping else { return true }
        let addresses = Set(mapping.services.flatMap { $0.reals.map(\.address) })
        let unresolved = links.values.contains { $0.link == nil }
        guard unresolved || solicit else { return true }
        let fresh = await resolver.links(of: addresses, solicit: solicit)
        guard fresh != links else { return !unresolved }
        for (address, link) in fresh where links[address] != link {
            logger.notice("real \(address): \(Self.describe(links[address])) -> \(Self.describe(link))")
        }
        do {
            _ = try await write(mapping, links: fresh)
        } catch {
            logger.error("reprogramming after a neighbour change failed: \(error)")
        }
        return !fresh.values.contains { $0.link == nil }
    }

    static func describe(_ link: RealLink?) -> String {
        switch link {
        case .resolved(let link)?: return "resolved \(MACText.format(link.destination)) on ifindex \(link.ifindex)"
        case .soliciting(let ifindex)?: return "soliciting on ifindex \(ifindex)"
        case .unreachable(let reason)?: return "unreachable (\(reason))"
        case nil: return "unknown"
        }
    }
}

public struct DRControllerError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

enum CText {
    /// A NUL-terminated C buffer as a String.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

enum MACText {
    static func format(_ bytes: [UInt8]) -> String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return hex.count == 1 ? "0" + hex : hex
        }.joined(separator: ":")
    }
}
