// `xdpha status --services`: what the DR maps hold, laid out like `ipvsadm -Ln --stats` so that
// an LVS operator reads it at a glance. Counters are those of the data path: Conns counts new
// flows (connection-table misses that chose the real), InPkts and InBytes what was steered.
import BPF
import Foundation

public enum ServiceTable {
    /// `interfaceName` names an ifindex (nil: the number is shown).
    public static func render(_ snapshot: DRSnapshot, pinDirectory: String? = nil,
                              interfaceName: (UInt32) -> String? = { _ in nil }) -> String {
        var lines: [String] = []
        let steering = snapshot.interfaceFlags.keys.sorted().filter { snapshot.steers(ifindex: $0) }
            .map { interfaceName($0) ?? "ifindex \($0)" }
        var header = "xdpha XDP DR steering"
        if let pinDirectory { header += " (maps pinned at \(pinDirectory))" }
        header += steering.isEmpty ? "; steering on no interface" : "; steering on " + steering.joined(separator: ", ")
        lines.append(header)
        lines.append(row(["Prot LocalAddress:Port Scheduler Flags"]))
        lines.append(row(["  -> RemoteAddress:Port", "Forward", "Weight", "State", "Conns", "InPkts", "InBytes"]))
        for service in snapshot.services {
            let counters = service.counters
            var flags: [String] = []
            if case .hash(let fields) = service.lookup, fields & 0x02 != 0 {
                flags.append(service.schedulerName == .sh ? "sh-port" : "mh-port")
            }
            if service.persistenceTimeout > 0 { flags.append("persistent \(service.persistenceTimeout)") }
            if service.ringSlots == 0 { flags.append("no real takes new flows") }
            let protocolName = service.ipProtocol == 6 ? "TCP" : service.ipProtocol == 17 ? "UDP" : "\(service.ipProtocol)"
            let first = "\(protocolName)  \(endpoint(service.address, service.port)) \(service.schedulerName)"
                + (flags.isEmpty ? "" : " (" + flags.joined(separator: ", ") + ")")
            lines.append(row([first, "", "", "", "\(counters.newFlows)", "\(counters.packets)", "\(counters.bytes)"]))
            for real in snapshot.reals(of: service) {
                let state: String
                if let link = real.link {
                    state = "\(MACText.format(link.destination))" + (interfaceName(link.ifindex).map { "@\($0)" } ?? "")
                } else {
                    state = "unresolved"
                }
                lines.append(row(["  -> " + endpoint(real.address, service.port), "Route", "\(real.weight)", state,
                                  "\(real.counters.newFlows)", "\(real.counters.packets)", "\(real.counters.bytes)"]))
            }
        }
        let outcomes = DROutcome.allCases.compactMap { outcome -> String? in
            let count = snapshot.outcomes[outcome] ?? 0
            return count == 0 ? nil : "\(outcome)=\(count)"
        }
        lines.append("VIP traffic: " + (outcomes.isEmpty ? "none yet" : outcomes.joined(separator: " ")))
        return lines.joined(separator: "\n")
    }

    static func endpoint(_ address: [UInt8], _ port: UInt16) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = address.count == 4 ? AF_INET : AF_INET6
        _ = address.withUnsafeBytes { inet_ntop(family, $0.baseAddress, &buffer, socklen_t(buffer.count)) }
        let host = CText.string(buffer)
        return address.count == 4 ? "\(host):\(port)" : "[\(host)]:\(port)"
    }

    /// Columns: the name, then fixed widths, numbers right-aligned.
    private static func row(_ cells: [String]) -> String {
        guard cells.count > 1 else { return cells.first ?? "" }
        let widths = [34, 8, 7, 28, 9, 10, 12]
        var text = ""
        var cells = cells
        if cells.count == widths.count && cells[1...3].allSatisfy(\.isEmpty) {
            // A service line: its description may use the real lines' Forward, Weight and State columns.
            let span = widths[0...3].reduce(0, +)
            text = cells[0].padding(toLength: max(span, cells[0].count + 1), withPad: " ", startingAt: 0)
            cells = Array(cells[4...])
            for (offset, cell) in cells.enumerated() {
                text += String(repeating: " ", count: max(widths[4 + offset] - cell.count, 1)) + cell
            }
            return text
        }
        for (index, cell) in cells.enumerated() {
            let width = widths[min(index, widths.count - 1)]
            if index >= 4 {
                text += String(repeating: " ", count: max(width - cell.count, 1)) + cell
            } else {
                text += cell.padding(toLength: max(width, cell.count + 1), withPad: " ", startingAt: 0)
            }
        }
        return text
    }
}
