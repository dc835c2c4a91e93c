// PNG plots of a bench report, drawn by gnuplot (Debian's gnuplot-nox, `make bench-deps`): the
// data goes to .dat files beside the script in a scratch folder, the PNGs to the results folder.
// Every plot names the machine and kernel its figures come from.
import Foundation
import NetLab

enum BenchPlots {
    static func draw(_ report: BenchReport, into directory: URL) {
        guard Command.exists("gnuplot") else {
            Bench.log("gnuplot not found: no plots (make bench-deps installs gnuplot-nox)")
            return
        }
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("xdpha-plots-\(getpid())")
        try? FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        var scripts: [String] = []
        if !report.forwarding.isEmpty { scripts.append(forwarding(report, scratch, directory)) }
        if !report.failover.isEmpty { scripts.append(failover(report, scratch, directory)) }
        if !report.packetCost.isEmpty { scripts.append(packetCost(report, scratch, directory)) }
        for (i, script) in scripts.enumerated() {
            let file = scratch.appendingPathComponent("plot\(i).gp")
            do {
                try script.write(to: file, atomically: true, encoding: .utf8)
                try Command.run(["gnuplot", file.path])
            } catch {
                Bench.log("plot failed: \(error)")
            }
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.replacingOccurrences(of: "\"", with: "'") + "\""
    }

    private static func header(_ output: URL, width: Int, height: Int) -> String {
        """
        set terminal pngcairo size \(width),\(height) font "sans,9"
        set output \(quoted(output.path))
        set style data histograms
        set style histogram clustered gap 1
        set style fill solid 0.8 border -1
        set datafile missing "?"
        set termoption noenhanced
        set key top left
        set grid ytics
        set xtics rotate by -30

        """
    }

    /// pps per director core and pps delivered, by path, protocol and frame size, one panel per
    /// environment (the guest's XDP/IPVS ratio; the host's absolute XDP figures).
    private static func forwarding(_ report: BenchReport, _ scratch: URL, _ out: URL) -> String {
        var script = header(out.appendingPathComponent("forwarding.png"), width: 640 * report.forwarding.count, height: 520)
        script += "set multiplot layout 1,\(report.forwarding.count)\nset logscale y\nset ylabel \"packets per second\"\n"
        for (i, run) in report.forwarding.enumerated() {
            let data = scratch.appendingPathComponent("forwarding\(i).dat")
            var text = "label xdp_core ipvs_core xdp_pps ipvs_pps xdp_saturated ipvs_saturated\n"
            let cells = Set(run.results.map { "\($0.transport) \($0.frameBytes)" })
            for cell in cells.sorted(by: { $0.localizedStandardCompare($1) == .orderedAscending }) {
                func value(_ path: ForwardingPath, _ key: KeyPath<ForwardingResult, Spread>) -> String {
                    run.results.first { $0.path == path && "\($0.transport) \($0.frameBytes)" == cell }
                        .map { String(format: "%.0f", $0[keyPath: key].median) } ?? "?"
                }
                func saturated(_ path: ForwardingPath) -> String {
                    run.saturated?.first { $0.path == path && "\($0.transport) \($0.frameBytes)" == cell }
                        .map { String(format: "%.0f", $0.ppsPerCore.median) } ?? "?"
                }
                text += "\"\(cell) B\" \(value(.xdp, \.ppsPerDirectorCore)) \(value(.ipvs, \.ppsPerDirectorCore)) \(value(.xdp, \.pps)) \(value(.ipvs, \.pps)) \(saturated(.xdp)) \(saturated(.ipvs))\n"
            }
            try? text.write(to: data, atomically: true, encoding: .utf8)
            let note = run.environment.contains("TCG") ? "\\nqemu TCG guest: only the XDP/IPVS ratio means anything" : ""
            script += """
            set title \(quoted("Forwarding, \(run.environment): \(run.machine.cpuModel), \(run.machine.cpus) CPUs, Linux \(run.machine.kernel)\(note)"))
            plot \(quoted(data.path)) using 2:xtic(1) title "XDP, pps per director core", \
                 '' using 3 title "IPVS, pps per director core", \
                 '' using 4 title "XDP, pps delivered", \
                 '' using 5 title "IPVS, pps delivered", \
                 '' using 6 title "XDP, pps per core, saturated", \
                 '' using 7 title "IPVS, pps per core, saturated"

            """
        }
        return script + "unset multiplot\n"
    }

    /// Failover gap by VRRP setting and fault, xdpha against keepalived.
    private static func failover(_ report: BenchReport, _ scratch: URL, _ out: URL) -> String {
        let data = scratch.appendingPathComponent("failover.dat")
        var text = "label xdpha keepalived target\n"
        let keys = Set(report.failover.map { "\($0.setting.label), \($0.fault.rawValue)" }).sorted()
        for key in keys {
            let rows = report.failover.filter { "\($0.setting.label), \($0.fault.rawValue)" == key }
            func ms(_ implementation: Implementation) -> String {
                rows.first { $0.implementation == implementation }.map { String(format: "%.1f", $0.median * 1000) } ?? "?"
            }
            text += "\(quoted(key)) \(ms(.xdpha)) \(ms(.keepalived)) \(String(format: "%.1f", (rows.first?.target ?? 0) * 1000))\n"
        }
        try? text.write(to: data, atomically: true, encoding: .utf8)
        return header(out.appendingPathComponent("failover.png"), width: 900, height: 520) + """
            set logscale y
            set ylabel "failover gap seen by the client (ms, median)"
            set title \(quoted("VRRP failover gap: \(report.machineLine)"))
            plot \(quoted(data.path)) using 2:xtic(1) title "xdpha", '' using 3 title "keepalived", '' using 4 title "target"

            """
    }

    /// Per-packet cost of each XDP program and stage (BPF_PROG_TEST_RUN medians) and the floor.
    private static func packetCost(_ report: BenchReport, _ scratch: URL, _ out: URL) -> String {
        let data = scratch.appendingPathComponent("packet-cost.dat")
        var text = "label median p90\n"
        for row in report.packetCost {
            let label = row.name.split(separator: "(").first.map { $0.trimmingCharacters(in: .whitespaces) } ?? row.name
            text += "\(quoted(label)) \(row.medianNanoseconds) \(row.p90Nanoseconds)\n"
        }
        try? text.write(to: data, atomically: true, encoding: .utf8)
        let floor = report.packetCost.first?.medianNanoseconds ?? 0
        return header(out.appendingPathComponent("packet-cost.png"), width: 1000, height: 560) + """
            set bmargin 12
            set ylabel "ns per packet (BPF_PROG_TEST_RUN, repeat = 1)"
            set title \(quoted("Per-packet cost of the XDP programs: \(report.machineLine)"))
            plot \(quoted(data.path)) using 2:xtic(1) title "median", '' using 3 title "p90", \(floor) with lines dashtype 2 title "floor (MAC swap + XDP_TX)"

            """
    }
}
