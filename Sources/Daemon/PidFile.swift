// The daemon's pid file: refuses to start a second daemon on the same state directory.
import Foundation

public struct PidFileError: Error, CustomStringConvertible {
    public let description: String
}

public final class PidFile {
    public let path: String

    /// Writes our PID to `path`; fails when another live process holds it.
    public init(path: String) throws {
        self.path = path
        if let text = try? String(contentsOfFile: path, encoding: .utf8),
           let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
           pid != getpid(), kill(pid, 0) == 0 {
            throw PidFileError(description: "xdpha is already running with pid \(pid) (\(path))")
        }
        try "\(getpid())\n".write(toFile: path, atomically: true, encoding: .utf8)
    }

    deinit { unlink(path) }
}
