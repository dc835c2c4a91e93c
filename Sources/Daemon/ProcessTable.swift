// The running processes as vrrp_track_process sees them: each one's `comm` and argv, read from
// /proc. keepalived follows forks and exits through the proc connector; a scan every half second
// costs a few hundred small reads and needs no extra privilege or kernel option.
import Foundation

enum ProcessTable {
    struct Entry: Sendable, Hashable {
        var name: String
        var arguments: [String]
    }

    static func scan(root: String = "/proc") -> [Entry] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: root) else { return [] }
        var entries: [Entry] = []
        entries.reserveCapacity(names.count)
        for pid in names where pid.first?.isNumber == true {
            guard let comm = FileManager.default.contents(atPath: "\(root)/\(pid)/comm") else { continue }
            var name = String(decoding: comm, as: UTF8.self)
            if name.hasSuffix("\n") { name.removeLast() }
            let cmdline = FileManager.default.contents(atPath: "\(root)/\(pid)/cmdline") ?? Data()
            let arguments = cmdline.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
            entries.append(Entry(name: name, arguments: arguments.last == "" ? Array(arguments.dropLast()) : arguments))
        }
        return entries
    }
}
