import Foundation

// A checker performs one check and says up or down. It never throws and never traps: every
// failure of the peer or the network is a `.down` with a reason.
public protocol HealthChecker: Sendable {
    func check() async -> CheckOutcome
}

/// Runs `operation` but answers `.down("timed out ...")` once `timeout` has passed. The verdict
/// does not wait for the operation to wind down: its task is cancelled and finishes on its own
/// (channels close, scripts are torn down), so a peer that ignores us cannot stretch the check.
func withDeadline(_ timeout: Duration, what: String,
                  _ operation: @escaping @Sendable () async -> CheckOutcome) async -> CheckOutcome {
    let work = Task { await operation() }
    let verdict = FirstResult<CheckOutcome>()
    return await withTaskCancellationHandler {
        await withCheckedContinuation { continuation in
            verdict.install(continuation)
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if !Task.isCancelled, verdict.offer(.down("\(what) timed out after \(timeout)")) { work.cancel() }
            }
            Task {
                let outcome = await work.value
                if verdict.offer(outcome) { timer.cancel() }
            }
        }
    } onCancel: {
        work.cancel()
    }
}

/// Delivers the first value offered to a continuation; later offers are ignored.
final class FirstResult<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Value, Never>?
    private var early: Value?
    private var done = false

    func install(_ continuation: CheckedContinuation<Value, Never>) {
        let value = lock.withLock { () -> Value? in
            if let early { return early }
            self.continuation = continuation
            return nil
        }
        if let value { continuation.resume(returning: value) }
    }

    /// True when this offer was the first.
    func offer(_ value: Value) -> Bool {
        let (waiting, first) = lock.withLock { () -> (CheckedContinuation<Value, Never>?, Bool) in
            guard !done else { return (nil, false) }
            done = true
            if let continuation {
                self.continuation = nil
                return (continuation, true)
            }
            early = value
            return (nil, true)
        }
        waiting?.resume(returning: value)
        return first
    }
}

extension Duration {
    /// Milliseconds, for NIO's TimeAmount and for poll().
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
