// MISC_CHECK: the script's exit code. 0 is up, 1 is down; with misc_dynamic 2..255 is up with
// the weight set to code - 2, otherwise any other code is down. A script killed by a signal,
// refused by script security, or still running at misc_timeout is down.
public struct MiscChecker: HealthChecker {
    public let options: MiscCheckOptions
    public let timeout: Duration
    let runner: ScriptRunner

    public init(options: MiscCheckOptions, defaultTimeout: Duration, runner: ScriptRunner) {
        self.options = options
        self.timeout = options.timeout ?? defaultTimeout
        self.runner = runner
    }

    public func check() async -> CheckOutcome {
        MiscChecker.verdict(await runner.run(options.script, timeout: timeout), dynamic: options.dynamic,
                            script: options.script.commandLine)
    }

    public static func verdict(_ result: ScriptRunner.Result, dynamic: Bool, script: String) -> CheckOutcome {
        switch result {
        case .exited(0): return .up()
        case .exited(let code) where dynamic && (2...255).contains(code): return .up(.set(Int(code) - 2))
        case .exited(let code): return .down("MISC_CHECK '\(script)' exited with \(code)")
        case .signaled(let signal): return .down("MISC_CHECK '\(script)' killed by signal \(signal)")
        case .timedOut: return .down("MISC_CHECK '\(script)' timed out")
        case .refused(let reason): return .down("MISC_CHECK '\(script)' not run: \(reason)")
        }
    }
}
