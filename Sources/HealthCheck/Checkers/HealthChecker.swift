// A checker performs one check and says up or down. It never throws and never traps: every
// failure of the peer or the network is a `.down` with a reason.
public protocol HealthChecker: Sendable {
    func check() async -> CheckOutcome
}

/// Runs `operation` but gives up after `timeout`: the operation's task is cancelled and the
/// result is `.down("timed out ...")`. Operations must react to cancellation (NIO channels are
/// closed by their owners when cancelled; scripts get SIGTERM then SIGKILL).
func withDeadline(_ timeout: Duration, what: String,
                  _ operation: @escaping @Sendable () async -> CheckOutcome) async -> CheckOutcome {
    await withTaskGroup(of: CheckOutcome?.self) { group in
        group.addTask { await operation() }
        group.addTask {
            try? await Task.sleep(for: timeout)
            return Task.isCancelled ? nil : .down("\(what) timed out after \(timeout)")
        }
        var result: CheckOutcome = .down("\(what) was cancelled")
        if let first = await group.next(), let outcome = first {
            result = outcome
        }
        group.cancelAll()
        return result
    }
}

extension Duration {
    /// Milliseconds, for NIO's TimeAmount and for poll().
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
