// `xdpha run --dataplane auto|xdp|ipvs`: one DataPath over the two real ones. Each apply splits
// the configuration's virtual servers (DataPathSplit), maps IPVS's share before anything is
// touched (a refusal changes nothing), and applies XDP's share, then IPVS's. In auto mode an
// interface where XDP cannot steer sends the services reached through it to IPVS; a failing XDP
// path (no BPF, the program does not load) is given up whole. Both for the rest of the run. When
// IPVS is missing too, the error names both missing features.
import Balancer
import Config
import Logging
import Netlink

public actor SplitDataPath: DataPath {
    public nonisolated let name: String

    private let mode: DataPathMode
    private let xdp: DaemonSteering
    private let ipvs: IPVSDataPath
    private let logger: Logger
    /// Why XDP was given up (auto mode), for the rest of the run.
    private var xdpFailure: String?
    /// Interfaces XDP could not steer on (auto mode), for the rest of the run: ifindex -> why.
    private var unusableInterfaces: [UInt32: String] = [:]
    private var linkResolver: (any RealLinkResolving)?
    /// How many interfaces one apply may find unusable before XDP is given up whole.
    static let interfaceRetries = 8
    /// The decision last logged per service, so that health-driven applies log only changes.
    private var logged: [String: DataPathSplit.Decision] = [:]

    public init(mode: DataPathMode, xdp: DaemonSteering, ipvs: IPVSDataPath, logger: Logger) {
        self.name = mode.rawValue
        self.mode = mode
        self.xdp = xdp
        self.ipvs = ipvs
        self.logger = logger
    }

    @discardableResult
    public func apply(_ config: KeepalivedConfig) async throws -> DataPathReport {
        var split = try await self.split(config)
        var ipvsMapping = try IPVSMapping.map(split.ipvs)
        if mode == .xdp { _ = try ServiceMapping.map(split.xdp) }
        try await openIPVS(if: !ipvsMapping.state.virtualServers.isEmpty, for: split)

        var reports: [DataPathReport] = []
        var attempts = 0
        while mode != .ipvs && xdpFailure == nil {
            do {
                reports.append(try await xdp.apply(split.xdp))
                break
            } catch let failure as DRSteeringFailure where mode == .auto && attempts < Self.interfaceRetries {
                // One interface refused XDP: the services reached through it go to IPVS, the
                // others stay on XDP.
                attempts += 1
                unusableInterfaces[failure.ifindex] = failure.description
                logger.warning("\(failure); the virtual servers reached through it go to IPVS")
            } catch let error where mode == .auto && !(error is ServiceMappingError) {
                xdpFailure = "\(error)"
                logger.warning("XDP data path unavailable (\(error)); its virtual servers go to IPVS")
                await xdp.abandon()
            }
            split = try await self.split(config)
            ipvsMapping = try IPVSMapping.map(split.ipvs)
            try await openIPVS(if: !ipvsMapping.state.virtualServers.isEmpty, for: split)
        }
        log(split.decisions)
        reports.append(try await ipvs.apply(ipvsMapping))
        return DataPathReport(path: name, summary: reports.map(\.description).joined(separator: "; "),
                              notes: reports.flatMap(\.notes), warnings: reports.flatMap(\.warnings))
    }

    /// The split for this host now: with the interfaces XDP could not steer on, when there are
    /// any, and the interfaces each service's reals are reached through (a route lookup each).
    private func split(_ config: KeepalivedConfig) async throws -> DataPathSplit {
        guard !unusableInterfaces.isEmpty else {
            return DataPathSplit.split(config, mode: mode, xdpUnavailable: xdpFailure)
        }
        let resolver = try linkResolver ?? NetlinkRealLinks(netlink: try RouteNetlink())
        linkResolver = resolver
        let addresses = Set(config.virtualServers.flatMap { $0.realServers.compactMap { Balancer.IPAddress(bytes: $0.address.bytes) } })
        let links = await resolver.links(of: addresses, solicit: false)
        return DataPathSplit.split(config, mode: mode, xdpUnavailable: xdpFailure, unusableInterfaces: unusableInterfaces) { server in
            Set(server.realServers.compactMap { Balancer.IPAddress(bytes: $0.address.bytes).flatMap { links[$0]?.ifindex } })
        }
    }

    public func stop() async {
        if mode != .ipvs { await xdp.stop() }
        await ipvs.stop()
    }

    /// Opens IPVS before anything is applied when some service needs it, so that a kernel without
    /// IPVS refuses the configuration whole, with the services and the missing feature named.
    private func openIPVS(if needed: Bool, for split: DataPathSplit) async throws {
        guard needed else { return }
        do {
            try await ipvs.open()
        } catch {
            let needing = split.decisions.filter { $0.path == .ipvs }.map(\.subject).joined(separator: ", ")
            if let xdpFailure {
                throw DataPathUnavailable(description: "no data path can serve \(needing): XDP: \(xdpFailure); \(error)")
            }
            throw DataPathUnavailable(description: "\(needing) need\(needing.contains(", ") ? "" : "s") IPVS: \(error)")
        }
    }

    private func log(_ decisions: [DataPathSplit.Decision]) {
        var current: [String: DataPathSplit.Decision] = [:]
        for decision in decisions {
            current[decision.subject] = decision
            if logged[decision.subject] != decision { logger.notice("data path: \(decision)") }
        }
        logged = current
    }
}

/// Neither path can serve what the configuration asks, with the kernel features that are missing.
public struct DataPathUnavailable: Error, CustomStringConvertible {
    public var description: String
}
