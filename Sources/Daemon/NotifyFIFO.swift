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

    /// One shell word, whatever `text` holds (notify arguments, the FIFO's path).
    static func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

struct NotifyFIFOError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// The daemon's three FIFOs: notify_fifo gets every event, vrrp_notify_fifo the VRRP ones,
/// lvs_notify_fifo the real and virtual server ones. Reconfigured on reload; unchanged settings
/// keep the open FIFOs and their reader scripts. One that cannot be opened is logged and left
/// out: the events still reach the notify scripts and the log.
final class NotifyFIFOs: @unchecked Sendable {
    private enum Role { case all, vrrp, lvs }
    private let logger: Logger
    private let lock = NSLock()
    private var open: [(Role, NotifyFIFO)] = []
    private var settings: [NotifyScript?] = []

    init(logger: Logger) { self.logger = logger }

    func configure(_ global: GlobalDefinitions) {
        let wanted = [global.notifyFIFO, global.notifyFIFOScript, global.vrrpNotifyFIFO, global.vrrpNotifyFIFOScript,
                      global.lvsNotifyFIFO, global.lvsNotifyFIFOScript]
        lock.withLock {
            guard wanted != settings else { return }
            for (_, fifo) in open { fifo.close() }
            open.removeAll()
            settings = wanted
            let roles: [(Role, NotifyScript?, NotifyScript?)] = [(.all, global.notifyFIFO, global.notifyFIFOScript),
                                                                 (.vrrp, global.vrrpNotifyFIFO, global.vrrpNotifyFIFOScript),
                                                                 (.lvs, global.lvsNotifyFIFO, global.lvsNotifyFIFOScript)]
            for (role, fifo, script) in roles {
                guard let fifo else { continue }
                do {
                    open.append((role, try NotifyFIFO(path: fifo.command, script: script, logger: logger)))
                } catch {
                    logger.error("notify FIFO not used: \(error)")
                }
            }
        }
    }

    func vrrp(_ line: String) { write(line, to: .vrrp) }
    func lvs(_ line: String) { write(line, to: .lvs) }

    func close() {
        lock.withLock {
            for (_, fifo) in open { fifo.close() }
            open.removeAll()
            settings = []
        }
    }

    private func write(_ line: String, to role: Role) {
        lock.withLock {
            for (candidate, fifo) in open where candidate == .all || candidate == role { fifo.write(line) }
        }
    }
}
