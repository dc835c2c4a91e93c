// The daemon's handle on DR steering: what `xdpha run` calls with each configuration it loads.
// It makes a DRController the first time a configuration has virtual servers, and shares the
// daemon's entry program when there is one (one program per interface serves both the VRRP and
// the DR stage; its maps are then the daemon's own, not pinned). Without one it loads the
// program over the pinned maps, as `xdpha attach` does.
import BPF
import Config
import Logging
import Netlink

public actor DaemonSteering: DataPath {
    public nonisolated let name = "xdp"

    private let program: EntryProgram?
    private let objectPath: String?
    private let logger: Logger
    private var controller: DRController?

    public init(program: EntryProgram?, objectPath: String? = nil, logger: Logger) {
        self.program = program
        self.objectPath = objectPath
        self.logger = logger
    }

    /// Programs `config`'s virtual servers (at start and on each reload). Throws, leaving the
    /// running state, when one cannot be served.
    @discardableResult
    public func apply(_ config: KeepalivedConfig) async throws -> DataPathReport {
        let report: DRApplyReport
        if let controller {
            report = try await controller.reload(config: config)
        } else {
            guard !config.virtualServers.isEmpty else { return DataPathReport(path: name, summary: "no virtual servers") }
            let options = DRControllerOptions(pinDirectory: program == nil ? PinDirectory() : nil, objectPath: objectPath)
            let made = try DRController(options: options, resolver: NetlinkRealLinks(netlink: try RouteNetlink()),
                                        program: program, logger: logger)
            controller = made
            report = try await made.start(config: config)
        }
        log(report)
        return DataPathReport(path: name, summary: "\(report.services.count) services, \(report.reals.count) reals, \(report.unresolved.count) unresolved",
                              notes: report.notes, warnings: report.warnings)
    }

    /// Stops following the neighbour table; forwarding goes on as programmed.
    public func stop() async {
        await controller?.stop()
    }

    /// Gives the XDP path up after a failed apply (the split path then hands its services to
    /// IPVS): steering off where this controller switched it on, the controller forgotten.
    public func abandon() async {
        await controller?.stop(removingSteering: true)
        controller = nil
    }

    private func log(_ report: DRApplyReport) {
        logger.notice("DR steering: \(report.services.count) services, \(report.reals.count) reals, \(report.unresolved.count) unresolved")
        for note in report.notes { logger.info("DR steering: \(note)") }
        for warning in report.warnings { logger.warning("DR steering: \(warning)") }
    }
}
