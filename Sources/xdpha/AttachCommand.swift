// `xdpha attach IFACE -f CONF`: steer the configuration's LVS-DR virtual servers in XDP on IFACE
// and exit; `xdpha detach IFACE`: stop. The program stays attached (netlink) and the maps stay
// pinned, so a later attach, or `xdpha run`, continues with the same connection table.
import ArgumentParser
import Config
import Dataplane
import Foundation
import Logging
import Netlink

struct AttachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attach",
        abstract: "Steer the configuration's LVS-DR virtual servers in XDP on an interface, then exit.",
        discussion: """
            Loads the XDP entry program (reusing the maps pinned in --pin-dir), programs every \
            virtual_server of the configuration, attaches the program to IFACE (native mode, else \
            generic) and switches DR steering on there. Real servers' MACs come from the neighbour \
            table; a real whose neighbour does not answer within --neighbour-wait takes no new flows \
            (run attach again, or `xdpha run`, to take it up). Running attach again reprograms: \
            established flows keep their real servers.
            Virtual servers the XDP path cannot serve (lb_kind NAT/TUN, fwmark, schedulers other \
            than rr, wrr, mh, sh, dh, or no lvs_sched at all) are refused with the reason.
            Inside `ip netns exec` the pinned maps last only while the command runs; use \
            `nsenter --net=/run/netns/NAME xdpha attach ...` to keep them.
            """)

    @Argument(help: "The interface to steer on (where clients' packets for the VIPs arrive).")
    var interface: String

    @Option(name: [.short, .customLong("config")], help: "The keepalived.conf whose virtual servers to steer.")
    var file: String = "/etc/keepalived/keepalived.conf"

    @Option(name: .customLong("pin-dir"), help: "Where the maps are pinned (on a BPF file system).")
    var pinDirectory: String = PinDirectory.defaultPath

    @Option(name: .customLong("neighbour-wait"), help: "Seconds to wait for real servers' MACs to resolve.")
    var neighbourWait: Double = 3

    @Option(name: .customLong("bpf-object"), help: "Load this BPF object instead of the embedded one (development).")
    var bpfObject: String?

    func run() async throws {
        guard geteuid() == 0 else { throw ValidationError("xdpha attach needs root (BPF, XDP, netlink)") }
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let loaded = try ConfigFile.load(file)
        let options = DRControllerOptions(pinDirectory: PinDirectory(pinDirectory), objectPath: bpfObject,
                                          steeringInterface: interface,
                                          neighbourWait: .milliseconds(Int(max(neighbourWait, 0) * 1000)))
        do {
            // Refuse what XDP cannot serve before anything is loaded or attached.
            _ = try ServiceMapping.map(loaded.config)
            let controller = try DRController(options: options, resolver: NetlinkRealLinks(netlink: try RouteNetlink()),
                                              logger: Logger(label: "xdpha.attach"))
            let report = try await controller.apply(loaded.config)
            print(report)
        } catch let error as ServiceMappingError {
            var standardError = StandardError()
            standardError.write("error: \(error.placed(in: loaded.sources))\n")
            throw ExitCode(1)
        }
    }
}

struct DetachCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detach",
        abstract: "Stop DR steering on an interface; detach XDP when no other stage runs there.")

    @Argument(help: "The interface to stop steering on.")
    var interface: String

    @Option(name: .customLong("pin-dir"), help: "Where the maps are pinned.")
    var pinDirectory: String = PinDirectory.defaultPath

    @Flag(help: "Also unpin the maps (the connection table goes once no program uses it).")
    var unpin = false

    @Option(name: .customLong("bpf-object"), help: "Load this BPF object instead of the embedded one (development).")
    var bpfObject: String?

    func run() async throws {
        guard geteuid() == 0 else { throw ValidationError("xdpha detach needs root (BPF, XDP, netlink)") }
        for line in try await DRDetach.detach(interface: interface, pinDirectory: PinDirectory(pinDirectory),
                                              objectPath: bpfObject, unpin: unpin) {
            print(line)
        }
    }
}

/// A keepalived.conf loaded for a one-shot command: diagnostics on stderr, errors end the command.
enum ConfigFile {
    struct Loaded {
        let config: KeepalivedConfig
        let sources: SourceFiles
    }

    static func load(_ path: String) throws -> Loaded {
        let result = ConfigLoader(options: LoadOptions(interfaceExists: { if_nametoindex($0) != 0 })).load(path: path)
        var standardError = StandardError()
        if !result.diagnostics.isEmpty { standardError.write(result.rendered()) }
        guard !result.hasErrors else { throw ExitCode(1) }
        return Loaded(config: result.config, sources: result.sources)
    }
}
