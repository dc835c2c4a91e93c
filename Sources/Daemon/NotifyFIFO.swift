// keepalived's notify_fifo / vrrp_notify_fifo: one line per state change, written in the order
// the changes happened, to a FIFO another program reads ("INSTANCE "VI_1" MASTER 100").
// The FIFO is made when missing and opened read-write, so that writing never blocks on a
// reader that is not there yet and a reader that goes away does not kill the daemon (SIGPIPE).
// With notify_fifo_script, that script is started with the FIFO's path as its last argument
// and ended when the daemon stops.
import Config
import Foundation
import Logging

final class NotifyFIFO: @unchecked Sendable {
    let path: String
    private let descriptor: Int32
    private let reader: Process?
    private let logger: Logger

    init(path: String, script: NotifyScript?, logger: Logger) throws {
        self.path = path
        self.logger = logger
        var info = stat()
        if stat(path, &info) != 0 {
            guard mkfifo(path, 0o600) == 0 else { throw NotifyFIFOError("cannot make the FIFO \(path): \(String(cString: strerror(errno)))") }
        } else if info.st_mode & S_IFMT != S_IFIFO {
            throw NotifyFIFOError("\(path) exists and is not a FIFO")
        }
        descriptor = open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw NotifyFIFOError("cannot open the FIFO \(path): \(String(cString: strerror(errno)))") }
        if let script {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", script.command + " " + NotifyFIFO.shellQuote(path)]
            process.standardInput = FileHandle.nullDevice
            do {
                try process.run()
                reader = process
            } catch {
                Glibc.close(descriptor)
                throw NotifyFIFOError("notify_fifo_script \(script.command) could not start: \(error)")
            }
        } else {
            reader = nil
        }
    }

    /// One event line. A full FIFO (nobody reading) loses the line rather than stall VRRP.
    func write(_ line: String) {
        var bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeMutableBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
        if written != bytes.count {
            logger.warning("notify_fifo \(path): event not written (\(written < 0 ? String(cString: strerror(errno)) : "short write"))")
        }
    }

    func close() {
        if let reader, reader.isRunning { kill(reader.processIdentifier, SIGTERM) }
        Glibc.close(descriptor)
    }

    /// keepalived's line: the kind, the quoted name, the state and (for instances) the priority.
    static func line(kind: String, name: String, state: String, priority: Int?) -> String {
        "\(kind) \"\(name)\" \(state)" + (priority.map { " \($0)" } ?? "")
    }

    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

struct NotifyFIFOError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
