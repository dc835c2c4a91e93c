// CPU time as the kernel accounts it: a process tree's user+system time from /proc, the whole
// machine's busy time from /proc/stat, and an XDP program's own run time from BPF statistics.
import Foundation

enum CPUAccounting {
    static let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    /// User + system seconds of `pid` and every descendant (keepalived forks its VRRP child).
    static func processTreeSeconds(_ pid: Int32) -> Double {
        var total = 0.0
        var stack = [pid]
        let all = allProcesses()
        while let current = stack.popLast() {
            if let stat = all[current] { total += stat.cpu }
            stack += all.filter { $0.value.parent == current }.map(\.key)
        }
        return total
    }

    private static func allProcesses() -> [Int32: (parent: Int32, cpu: Double)] {
        var result: [Int32: (parent: Int32, cpu: Double)] = [:]
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        for entry in entries {
            guard let pid = Int32(entry),
                  let text = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                  let close = text.lastIndex(of: ")") else { continue }
            // Fields after the command name: state ppid ... utime(14) stime(15), counted from 1.
            let fields = text[text.index(after: close)...].split(separator: " ")
            guard fields.count > 13, let parent = Int32(fields[1]),
                  let user = Double(fields[11]), let system = Double(fields[12]) else { continue }
            result[pid] = (parent, (user + system) / ticksPerSecond)
        }
        return result
    }

    /// Busy seconds of the whole machine (all CPUs, everything but idle and iowait).
    static func machineBusySeconds() -> Double {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("cpu ") }) else { return 0 }
        let values = line.split(separator: " ").dropFirst().compactMap { Double($0) }
        guard values.count >= 5 else { return 0 }
        let busy = values.enumerated().filter { $0.offset != 3 && $0.offset != 4 }.map(\.element).reduce(0, +)
        return busy / ticksPerSecond
    }

    /// run_time_ns and run_cnt of BPF program `id` (needs kernel.bpf_stats_enabled=1).
    static func bpfProgramStats(id: Int) -> (nanoseconds: Double, runs: Double)? {
        guard let out = try? Command.run(["bpftool", "-j", "prog", "show", "id", "\(id)"], check: false).output,
              let object = try? JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any] else { return nil }
        let ns = (object["run_time_ns"] as? NSNumber)?.doubleValue ?? 0
        let runs = (object["run_cnt"] as? NSNumber)?.doubleValue ?? 0
        return (ns, runs)
    }
}

import NetLab
