// `xdpha run -f CONF`: the daemon in the foreground.
import ArgumentParser
import Daemon
import Dataplane
import Foundation
import Logging
import ServiceLifecycle

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the daemon in the foreground: VRRP instances from a keepalived.conf.")

    @Option(name: [.short, .customLong("config")], help: "The keepalived.conf to run.")
    var file: String = "/etc/keepalived/keepalived.conf"

    @Option(name: .customLong("state-dir"), help: "Directory for the pid file and the control socket (mode 0600).")
    var stateDirectory: String = "/run/xdpha"

    @Option(name: .customLong("vrrp-rx"), help: "How adverts are received: auto (XDP, else the raw socket), xdp or socket.")
    var vrrpReception: VRRPReceptionMode = .auto

    @Option(name: .customLong("bpf-object"), help: "Load this BPF object instead of the embedded one (development).")
    var bpfObject: String?

    @Option(name: .customLong("pin-dir"), help: "Pin the XDP maps here, shared with attach, detach and status --services (empty: do not pin).")
    var pinDirectory: String = "/sys/fs/bpf/xdpha"

    @Option(name: .customLong("dataplane"),
            help: "Which path serves the virtual servers: auto (XDP where it attaches and serves the service, IPVS for the rest), xdp or ipvs.")
    var dataPath: DataPathMode = .auto

    @Flag(name: .customLong("dont-release-ipvs"), help: "Leave the IPVS services in the kernel when stopping (keepalived's -I).")
    var dontReleaseIPVS = false

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        let missing = Capabilities.current().missingForDaemon(needsBPF: vrrpReception != .socket)
        if !missing.isEmpty {
            let line = "xdpha: error: run needs \(missing.map(\.description).joined(separator: ", ")) (run as root or grant them)\n"
            FileHandle.standardError.write(Data(line.utf8))
            throw ExitCode(1)
        }
        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "xdpha")
        let options = DaemonOptions(configPath: file, stateDirectory: stateDirectory,
                                    reception: vrrpReception, bpfObjectPath: bpfObject,
                                    pinDirectory: pinDirectory.isEmpty ? nil : pinDirectory,
                                    dataPath: dataPath, keepsIPVSServicesOnStop: dontReleaseIPVS)
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        let pidFile = try PidFile(path: options.pidFilePath)
        defer { withExtendedLifetime(pidFile) {} }

        let daemon = VRRPDaemon(options: options, logger: logger)
        let control = ControlServer(path: options.controlSocketPath) { request in
            switch request {
            case .status:
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys]
                return (try? encoder.encode(await daemon.status())) ?? Data("{}".utf8)
            }
        }
        let group = ServiceGroup(configuration: .init(
            // Graceful shutdown runs in reverse order: the daemon says goodbye (priority 0, VIPs
            // removed) while the control socket still answers, then the socket goes.
            services: [
                .init(service: ControlService(server: control), successTerminationBehavior: .ignore),
                .init(service: daemon, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
    }
}

/// The control socket as a Service of the group: it ends with the group's graceful shutdown.
struct ControlService: Service {
    let server: ControlServer
    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await server.serve() }
        } catch {
            // Closing the listener on shutdown ends serve() with an error: that is the way out.
            if Task.isCancelled || error is CancellationError { return }
            throw error
        }
    }
}

extension VRRPReceptionMode: ExpressibleByArgument {}
extension DataPathMode: ExpressibleByArgument {}
extension Logger.Level: @retroactive ExpressibleByArgument {}
