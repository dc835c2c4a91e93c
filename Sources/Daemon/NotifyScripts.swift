// Runs notify scripts one after the other, in the order the transitions happened: keepalived
// fires them concurrently and they race; here a later script never starts before an earlier one
// has finished (or hit its timeout).
import Config
import Foundation
import Logging
import VRRP

actor NotifyScriptQueue {
    private var tail: Task<Void, Never>?
    private let logger: Logger
    private let timeout: Duration
    /// notify_fifo and vrrp_notify_fifo, written before the scripts are queued; shared with
    /// the health checks (notify_fifo and lvs_notify_fifo).
    let fifos: NotifyFIFOs

    init(logger: Logger, timeout: Duration = .seconds(30)) {
        self.logger = logger
        self.fifos = NotifyFIFOs(logger: logger)
        self.timeout = timeout
    }

    /// keepalived's argument conventions: notify_master/backup/fault/stop run as written;
    /// `notify` gets "INSTANCE" (or "GROUP"), the name, the new state and the priority appended.
    func transition(of name: String, kind: String = "INSTANCE", to state: String, priority: Int,
                    scripts: StateNotifications) {
        let line = NotifyFIFO.line(kind: kind, name: name, state: state, priority: priority)
        fifos.vrrp(line)
        let specific: NotifyScript?
        switch state {
        case "MASTER": specific = scripts.master
        case "BACKUP": specific = scripts.backup
        case "FAULT": specific = scripts.fault
        case "STOP": specific = scripts.stop
        default: specific = nil
        }
        if let specific { enqueue(specific.command) }
        if let any = scripts.any {
            enqueue(any.command + " \(kind) \(shellQuote(name)) \(state) \(priority)")
        }
    }

    /// The configuration's notify_fifo and vrrp_notify_fifo (at start and on reload).
    func useFIFOs(of global: GlobalDefinitions) { fifos.configure(global) }

    func closeFIFOs() { fifos.close() }

    /// Waits until every script queued so far has finished.
    func drain() async { await tail?.value }

    private func enqueue(_ command: String) {
        let previous = tail
        let logger = self.logger
        let timeout = self.timeout
        tail = Task {
            await previous?.value
            await NotifyScriptQueue.run(command, timeout: timeout, logger: logger)
        }
    }

    private static func run(_ command: String, timeout: Duration, logger: Logger) async {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            logger.warning("notify script could not start", metadata: ["command": "\(command)", "error": "\(error)"])
            return
        }
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            logger.warning("notify script killed after its timeout", metadata: ["command": "\(command)"])
        } else if process.terminationStatus != 0 {
            logger.info("notify script exited with \(process.terminationStatus)", metadata: ["command": "\(command)"])
        }
    }

    private func shellQuote(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension VRRPState {
    /// The state as notify scripts and FIFOs name it (keepalived's words).
    var notifyName: String {
        switch self {
        case .master: return "MASTER"
        case .backup: return "BACKUP"
        case .fault: return "FAULT"
        case .initialize: return "STOP"
        }
    }
}
