// `xdpha run`: the VRRP side of the daemon as a swift-service-lifecycle Service. It loads the
// configuration, plans every vrrp_instance, chooses the reception path per interface, runs one
// VirtualRouterRunner per instance, follows link changes and sync groups, reloads on SIGHUP and
// says goodbye (priority 0, addresses removed) on graceful shutdown.
import BPF
import Config
import Dataplane
import Foundation
import Logging
import Netlink
import ServiceLifecycle
import UnixSignals
import VRRP
import VRRPIO

public final class VRRPDaemon: Service, Sendable {
    public let options: DaemonOptions
    private let logger: Logger
    private let directory = RunnerDirectory()
    private let syncGroupStates = SyncGroupStates()
    /// Real-server health checks and the data path they drive (virtual_server blocks).
    private let services: ServiceSupervisor

    public init(options: DaemonOptions, logger: Logger) {
        self.options = options
        self.logger = logger
        self.services = ServiceSupervisor(logger: logger)
    }

    /// The current status of every instance, for the control socket.
    public func status() async -> DaemonStatus {
        var instances: [RouterStatus] = []
        for runner in directory.all { instances.append(await runner.status) }
        return DaemonStatus(pid: getpid(), configFile: options.configPath,
                            instances: instances.sorted { $0.name < $1.name },
                            services: await services.status())
    }

    /// Loads and checks the configuration; diagnostics of a bad one are logged and thrown.
    func loadConfig() throws -> (config: KeepalivedConfig, sources: SourceFiles) {
        let result = ConfigLoader(options: LoadOptions(interfaceExists: { if_nametoindex($0) != 0 }))
            .load(path: options.configPath)
        for diagnostic in result.warnings { logger.warning("\(diagnostic)") }
        if result.hasErrors {
            throw DaemonError.invalidConfiguration(result.rendered(showingSourceLines: false))
        }
        return (result.config, result.sources)
    }

    /// A data path's refusal with each problem placed as FILE:LINE of the configuration read.
    static func placed(_ error: any Error, in sources: SourceFiles) -> any Error {
        (error as? ServiceMappingError)?.placed(in: sources) ?? error
    }

    public func run() async throws {
        let (config, sources) = try loadConfig()
        let netlink = try RouteNetlink()
        let notify = NotifyScriptQueue(logger: logger)
        await notify.useFIFOs(of: config.global)
        await services.useFIFOs(notify.fifos)
        let trackers = VRRPTrackers(directory: directory, logger: logger)
        let monitor = try LinkMonitor()
        let program = try loadProgramIfWanted()
        // virtual_server blocks: XDP DR steering on the same entry program and/or IPVS (--dataplane),
        // holding the real servers the health checks keep in service (ServiceSupervisor).
        let steering = DataPathChoice.make(options: options, program: program, logger: logger)
        do { try await services.start(config, on: steering) } catch { throw Self.placed(error, in: sources) }

        try await withThrowingTaskGroup(of: Void.self) { group in
            var generation = try await start(config, netlink: netlink, notify: notify, program: program, group: &group)
            await trackers.apply(config)

            group.addTask { [directory, logger] in
                for await event in monitor.events {
                    LinkEvents.deliver(event, to: directory.all, logger: logger)
                }
            }

            let hangups = await UnixSignalsSequence(trapping: .sighup)
            for await _ in hangups.cancelOnGracefulShutdown() {
                logger.notice("SIGHUP: reloading \(options.configPath)")
                do {
                    let (newConfig, newSources) = try loadConfig()
                    // Services first: a configuration the checkers or the data path refuse changes
                    // nothing, VRRP included.
                    do { try await services.reload(newConfig) } catch { throw Self.placed(error, in: newSources) }
                    generation = try await reload(generation, to: newConfig, netlink: netlink, notify: notify,
                                                  program: program, group: &group)
                    await notify.useFIFOs(of: newConfig.global)
                    await trackers.apply(newConfig)
                } catch {
                    logger.error("reload refused, the running configuration stays: \(error)")
                }
            }

            logger.notice("stopping: priority 0 adverts, addresses removed")
            await trackers.stop()
            await generation.stop(keeping: [])
            await notify.drain()
            await notify.closeFIFOs()
            await services.stop()   // checkers end; XDP forwarding stays, owned IPVS services go
            monitor.stop()
            if let program { await detachAll(program, generation.attached) }
            group.cancelAll()
        }
    }

    // MARK: starting and reloading

    /// The running instances of one configuration.
    struct Generation {
        var runners: [String: VirtualRouterRunner] = [:]
        var fingerprints: [String: Data] = [:]
        var socketIntakes: [String: SocketIntake] = [:]
        var xdpIntake: XDPIntake?
        /// ifindex -> interface name of every interface our program is attached to.
        var attached: [Int32: String] = [:]

        /// Stops every runner not named in `keeping` (graceful: priority 0, VIPs removed).
        mutating func stop(keeping names: Set<String>) async {
            let leaving = runners.filter { !names.contains($0.key) }
            await withTaskGroup(of: Void.self) { group in
                for runner in leaving.values { group.addTask { await runner.stop() } }
            }
            for name in leaving.keys { runners[name] = nil; fingerprints[name] = nil }
            if names.isEmpty {
                for intake in socketIntakes.values { intake.stop() }
                socketIntakes.removeAll()
                xdpIntake?.stop()
                xdpIntake = nil
            }
        }
    }

    private func start(_ config: KeepalivedConfig, netlink: RouteNetlink, notify: NotifyScriptQueue,
                       program: EntryProgram?, group: inout ThrowingTaskGroup<Void, Error>) async throws -> Generation {
        var generation = Generation()
        try await add(config.vrrpInstances, of: config, to: &generation, netlink: netlink, notify: notify,
                      program: program, group: &group)
        return generation
    }

    private func reload(_ old: Generation, to config: KeepalivedConfig, netlink: RouteNetlink, notify: NotifyScriptQueue,
                        program: EntryProgram?, group: inout ThrowingTaskGroup<Void, Error>) async throws -> Generation {
        var generation = old
        let fingerprints = Dictionary(uniqueKeysWithValues: config.vrrpInstances.map { ($0.name, Self.fingerprint($0)) })
        // Instances whose configuration did not change keep running untouched: no VIP moves.
        let unchanged = Set(fingerprints.filter { generation.fingerprints[$0.key] == $0.value }.keys)
        await generation.stop(keeping: unchanged)
        let fresh = config.vrrpInstances.filter { !unchanged.contains($0.name) }
        try await add(fresh, of: config, to: &generation, netlink: netlink, notify: notify, program: program, group: &group)
        logger.notice("reloaded: \(unchanged.count) unchanged, \(fresh.count) (re)started, \(old.runners.count - unchanged.count) stopped or replaced")
        return generation
    }

    private func add(_ instances: [VRRPInstance], of config: KeepalivedConfig, to generation: inout Generation,
                     netlink: RouteNetlink, notify: NotifyScriptQueue, program: EntryProgram?,
                     group: inout ThrowingTaskGroup<Void, Error>) async throws {
        syncGroupStates.configure(config.vrrpSyncGroups)
        var plans: [RouterPlan] = []
        for instance in instances {
            guard let interfaceName = instance.interface ?? config.global.defaultInterfaceIfSet else {
                throw DaemonError.plan("\(instance.name): no interface")
            }
            let ifindex = try await netlink.ifindex(of: interfaceName)
            let link = try await netlink.link(ifindex: ifindex)
            guard let mac = link.mac else { throw DaemonError.plan("\(interfaceName) has no MAC address") }
            let facts = InterfaceFacts(ifindex: ifindex, mac: mac,
                                       primaryIPv4: try await netlink.primaryIPv4Address(ifindex: ifindex),
                                       ipv6LinkLocal: try await netlink.ipv6LinkLocalAddress(ifindex: ifindex))
            var plan: RouterPlan
            do {
                plan = try RouterPlanner.plan(instance, interface: facts, interfaceName: interfaceName,
                                              ifindexOf: { name in let i = if_nametoindex(name); return i == 0 ? nil : Int32(i) })
            } catch {
                throw DaemonError.plan("\(error)")
            }
            if let group = config.vrrpSyncGroups.first(where: { $0.members.contains(instance.name) }) {
                plan.syncGroup = group.name
                // A group's tracked interfaces count for every member; their weights only with
                // sync_group_tracking_weight (keepalived), otherwise down means FAULT.
                for tracker in group.trackInterfaces where plan.trackedInterfaces[tracker.name] == nil {
                    plan.trackedInterfaces[tracker.name] = group.syncGroupTrackingWeight ? tracker.weight ?? 0 : 0
                }
            }
            do {
                try await VirtualMACSetup.prepare(&plan, netlink: netlink, logger: logger)
            } catch {
                throw DaemonError.plan("\(instance.name): use_vmac: \(error)")
            }
            plans.append(plan)
        }

        for plan in plans {
            let reception = await receptionPath(for: plan, program: program, generation: &generation)
            let syncGroups = SyncGroupRelay(directory: directory, groups: syncGroupStates, notify: notify)
            let runner = VirtualRouterRunner(plan: plan, reception: reception,
                                             onStateChange: { name, state, reason in await syncGroups.changed(name, to: state, reason: reason) })
            generation.runners[plan.name] = runner
            if let instance = instances.first(where: { $0.name == plan.name }) {
                generation.fingerprints[plan.name] = Self.fingerprint(instance)
            }
            if case .socket = reception {
                let key = "\(plan.ifindex)-\(plan.family)"
                if generation.socketIntakes[key] == nil {
                    generation.socketIntakes[key] = try SocketIntake(ifindex: plan.ifindex, family: InetAddress.Family(plan.family),
                                                                     directory: directory, logger: logger)
                }
            }
        }
        directory.set(Array(generation.runners.values))
        if let program, generation.xdpIntake == nil, generation.runners.values.contains(where: { $0.reception.name == "xdp" }) {
            generation.xdpIntake = try XDPIntake(program: program, directory: directory)
        }
        for plan in plans {
            guard let runner = generation.runners[plan.name] else { continue }
            let logger = self.logger
            group.addTask {
                do {
                    try await runner.run(netlink: netlink, notify: notify, logger: logger)
                } catch {
                    logger.error("instance stopped: \(error)", metadata: ["instance": "\(plan.name)"])
                }
            }
        }
    }

    // MARK: the XDP reception path

    private func loadProgramIfWanted() throws -> EntryProgram? {
        guard options.reception != .socket else { return nil }
        do {
            // Pinned maps are shared with `xdpha attach` / `detach` / `status --services`: one
            // program per interface whoever loaded it last, and one set of switches and state.
            var pinned: String?
            if let path = options.pinDirectory {
                do {
                    if let warning = try PinDirectory(path).prepare() { logger.warning("\(warning)") }
                    pinned = path
                } catch {
                    logger.warning("maps not pinned: \(error)")
                }
            }
            return try EntryProgram(objectPath: options.bpfObjectPath, pinDirectory: pinned)
        } catch {
            if options.reception == .xdp { throw DaemonError.xdp("cannot load the XDP program: \(error)") }
            logger.warning("XDP program not loaded (\(error)); every interface uses the socket path")
            return nil
        }
    }

    private func receptionPath(for plan: RouterPlan, program: EntryProgram?, generation: inout Generation) async -> ReceptionPath {
        guard let program else {
            logger.info("\(plan.interfaceName): VRRP reception on the raw socket", metadata: ["instance": "\(plan.name)"])
            return .socket
        }
        let ifindex = UInt32(plan.ifindex)
        do {
            if generation.attached[plan.ifindex] == nil {
                let fd = await program.entryFD
                let mode = try XDPAttachment.attachPreferringNative(programFD: fd, ifindex: plan.ifindex)
                generation.attached[plan.ifindex] = plan.interfaceName
                logger.notice("\(plan.interfaceName): XDP entry program attached in \(mode.rawValue) mode")
            }
            try await program.enableVRRPReception(ifindex: ifindex)
            let key = VRRPReceptionKey(ifindex: ifindex, family: VRRPAddressFamily(plan.family),
                                       vrid: plan.configuration.virtualRouterID)
            // Claim the VRID now; the runner keeps the rest (master, timer) in step with its state.
            try await program.configureVRRP(key, plan.receptionConfig)
            logger.info("\(plan.interfaceName): VRRP reception in XDP", metadata: ["instance": "\(plan.name)"])
            return .xdp(program, key)
        } catch {
            if options.reception == .xdp {
                logger.error("\(plan.interfaceName): XDP reception failed (\(error)); --vrrp-rx xdp was asked, using the socket path anyway")
            } else {
                logger.warning("\(plan.interfaceName): XDP reception unavailable (\(error)); VRRP reception on the raw socket")
            }
            return .socket
        }
    }

    private func detachAll(_ program: EntryProgram, _ attached: [Int32: String]) async {
        for (ifindex, name) in attached {
            try? await program.disableVRRPReception(ifindex: UInt32(ifindex))
            // Detach only when no other stage still runs on the interface.
            if (try? await program.interfaceStageFlags(ifindex: UInt32(ifindex))) ?? nil == nil {
                try? XDPAttachment.detach(ifindex: ifindex)
                logger.info("\(name): XDP entry program detached")
            }
        }
    }

    static func fingerprint(_ instance: VRRPInstance) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return (try? encoder.encode(instance)) ?? Data()
    }
}

public enum DaemonError: Error, CustomStringConvertible {
    case invalidConfiguration(String)
    case plan(String)
    case xdp(String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let diagnostics): return "the configuration has errors:\n\(diagnostics)"
        case .plan(let message): return message
        case .xdp(let message): return message
        }
    }
}

extension GlobalDefinitions {
    /// keepalived falls back to `default_interface` (eth0 unless set) for instances without one;
    /// xdpha insists the interface is named somewhere rather than guess eth0.
    var defaultInterfaceIfSet: String? {
        source["default_interface"] == nil ? nil : defaultInterface
    }
}
