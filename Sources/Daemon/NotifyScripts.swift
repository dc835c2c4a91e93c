// Runs notify scripts one after the other, in the order the transitions happened: keepalived
// fires them concurrently and they race; here a later script never starts before an earlier one
// has finished (or hit its timeout). Scripts run through HealthCheck's ScriptRunner, as the
// checkers' and trackers' do: as their user or script_user, under enable_script_security.
import Config
import Foundation
import HealthCheck
import Logging
import VRRP

actor NotifyScriptQueue {
    private var tail: Task<Void, Never>?
    private let logger: Logger
    private let timeout: Duration
    /// Runs each script as its user (or script_user) in a session of its own, so a timeout ends
    /// everything it started; refuses insecure scripts under enable_script_security.
    private var runner = ScriptRunner()
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
        if let specific { enqueue(specific) }
        if let any = scripts.any {
            enqueue(any, appending: " \(kind) \(NotifyFIFO.shellQuote(name)) \(state) \(priority)")
        }
    }

    /// The configuration's notify_fifo and vrrp_notify_fifo, script_user and
    /// enable_script_security (at start and on reload).
    func useFIFOs(of global: GlobalDefinitions) {
        fifos.configure(global)
        runner = ScriptRunner(policy: ScriptPolicy(defaultUser: global.scriptUser?.user, defaultGroup: global.scriptUser?.group,
                                                   enforceSecurity: global.enableScriptSecurity))
    }

    func closeFIFOs() { fifos.close() }

    /// Waits until every script queued so far has finished.
    func drain() async { await tail?.value }

    private func enqueue(_ script: NotifyScript, appending arguments: String = "") {
        let previous = tail
        let logger = self.logger
        let timeout = self.timeout
        let runner = self.runner
        let command = ScriptCommand(script.command + arguments, user: script.user, group: script.group)
        tail = Task {
            await previous?.value
            switch await runner.run(command, timeout: timeout) {
            case .exited(0): break
            case .exited(let status): logger.info("notify script exited with \(status)", metadata: ["command": "\(command.commandLine)"])
            case .signaled(let signal): logger.info("notify script ended by signal \(signal)", metadata: ["command": "\(command.commandLine)"])
            case .timedOut: logger.warning("notify script killed after its timeout", metadata: ["command": "\(command.commandLine)"])
            case .refused(let reason): logger.warning("notify script not run: \(reason)", metadata: ["command": "\(command.commandLine)"])
            }
        }
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
