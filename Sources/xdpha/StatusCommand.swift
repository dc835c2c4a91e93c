// `xdpha status [--json]`: asks the running daemon over its control socket.
import ArgumentParser
import Daemon
import Foundation

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the running daemon's VRRP instances (and services).")

    @Option(name: .customLong("state-dir"), help: "The daemon's --state-dir.")
    var stateDirectory: String = "/run/xdpha"

    @Flag(help: "Print the daemon's JSON reply as it is.")
    var json = false

    func run() async throws {
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
        var lines = ["xdpha pid \(status.pid), config \(status.configFile)", ""]
        lines.append(row(["INSTANCE", "IFACE", "VRID", "STATE", "PRIO", "EFF", "MASTER SEEN", "RX", "SENT", "RECV", "REJECTED"]))
        for instance in status.instances {
            let rejected = instance.advertsRejected.sorted { $0.key < $1.key }
                .map { "\($0.key)=\($0.value)" }.joined(separator: ",")
            lines.append(row([instance.name, instance.interface, "\(instance.virtualRouterID)", instance.state,
                              "\(instance.configuredPriority)", "\(instance.effectivePriority)",
                              instance.masterSeen ?? "-", instance.receptionPath, "\(instance.advertsSent)",
                              "\(instance.advertsReceived)", rejected.isEmpty ? "0" : rejected]))
            lines.append("    VIPs: " + instance.virtualAddresses.joined(separator: " "))
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
