// `xdpha status [--json]`: asks the running daemon over its control socket.
// `xdpha status --services [--iface IFACE]`: reads the pinned DR maps directly, no daemon needed.
import ArgumentParser
import BPF
import Daemon
import Dataplane
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon's VRRP instances (and services).")

    @Option(name: .customLong("state-dir"), help: "The daemon's --state-dir.")
    var stateDirectory: String = "/run/xdpha"

    @Flag(help: "Print the daemon's JSON reply as it is.")
    var json = false

    @Flag(help: "Show the LVS-DR services from the pinned maps (like ipvsadm -Ln --stats) instead of asking the daemon.")
    var services = false

    @Option(name: .customLong("iface"), help: "With --services: also say what runs on this interface.")
    var interface: String?

    @Option(name: .customLong("pin-dir"), help: "With --services: where the maps are pinned.")
    var pinDirectory: String = PinDirectory.defaultPath

    func run() async throws {
        if services || interface != nil {
            print(try ServicesStatus.render(pinDirectory: PinDirectory(pinDirectory), interface: interface))
            return
        }
        let reply = try await ControlClient.request(.status, socketPath: stateDirectory + "/control.sock")
        if json {
            print(String(decoding: reply, as: UTF8.self))
            return
        }
        let status = try JSONDecoder().decode(DaemonStatus.self, from: reply)
        print(StatusTable.render(status))
    }
}

enum StatusTable {
    static func render(_ status: DaemonStatus) -> String {
        var lines = ["xdpha pid \(status.pid), config \(status.configFile)"]
        // A daemon that only balances has no VRRP table to show.
        if !status.instances.isEmpty || (status.services ?? []).isEmpty {
            lines += ["", row(["INSTANCE", "IFACE", "VRID", "STATE", "PRIO", "EFF", "MASTER SEEN", "RX", "SENT", "RECV", "REJECTED"])]
        }
        for instance in status.instances {
            let rejected = instance.advertsRejected.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            lines.append(row([instance.name, instance.interface, "\(instance.virtualRouterID)", instance.state,
                              "\(instance.configuredPriority)", "\(instance.effectivePriority)",
                              instance.masterSeen ?? "-", instance.receptionPath, "\(instance.advertsSent)",
                              "\(instance.advertsReceived)", rejected.isEmpty ? "0" : rejected]))
            lines.append("    VIPs: " + instance.virtualAddresses.joined(separator: " "))
        }
        for service in status.services ?? [] {
            let quorum = service.quorumUp ? "quorum up" : "quorum lost" + (service.sorryServerEngaged ? ", sorry server in" : "")
            lines.append("")
            lines.append("VIRTUAL SERVER \(service.name)  \(quorum)")
            for real in service.reals {
                lines.append("    -> \(real.endpoint)  \(real.state)  weight \(real.weight)  \(real.checkers) checker\(real.checkers == 1 ? "" : "s")")
            }
        }
        return lines.joined(separator: "\n")
    }

    private static func row(_ cells: [String]) -> String {
        let widths = [14, 8, 5, 8, 5, 5, 26, 7, 7, 7, 0]
        return zip(cells, widths).map { cell, width in
            width == 0 ? cell : cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
        }.joined()
    }
}

enum ServicesStatus {
    static func render(pinDirectory: PinDirectory, interface: String?) throws -> String {
        guard pinDirectory.isOnBPFFileSystem, pinDirectory.holdsPins else {
            var reason = "no maps are pinned at \(pinDirectory) (nothing attached yet?)"
            if !pinDirectory.isOnBPFFileSystem {
                reason += "; it is not on a BPF file system here (inside `ip netns exec`, /sys/fs/bpf is not the "
                    + "host's: use `nsenter --net=/run/netns/NAME xdpha status --services`)"
            }
            throw ValidationError(reason)
        }
        let snapshot = try DRPinnedMaps(directory: pinDirectory.path).snapshot()
        var lines: [String] = []
        if let interface {
            let ifindex = if_nametoindex(interface)
            guard ifindex != 0 else { throw ValidationError("no interface \(interface)") }
            let program = try XDPAttachment.attachedProgramID(ifindex: Int32(ifindex))
            lines.append("\(interface): " + (program.map { "XDP program id \($0) attached" } ?? "no XDP program attached")
                         + ", DR steering " + (snapshot.steers(ifindex: ifindex) ? "on" : "off"))
        }
        lines.append(ServiceTable.render(snapshot, pinDirectory: pinDirectory.path, interfaceName: name(of:)))
        return lines.joined(separator: "\n")
    }

    static func name(of ifindex: UInt32) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(ifindex, &buffer) != nil else { return nil }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
