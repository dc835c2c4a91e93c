// keepalived's per-checker verdict rule (its checkers' "epilog"): a success, or a failure after
// `retry` extra failed checks, settles the check and the next one waits delay_loop; any other
// failure is retried after delay_before_retry. So a real goes down after retry + 1 consecutive
// failures and comes back after one success.
public struct RetryPolicy: Sendable, Hashable {
    public let timing: ResolvedTiming
    /// The checker's own view: up or down.
    public private(set) var isUp: Bool
    /// False until the first settled verdict (keepalived's has_run).
    public private(set) var hasRun = false
    /// Failures seen since the last settled verdict.
    public private(set) var retriesUsed = 0

    public init(timing: ResolvedTiming) {
        self.timing = timing
        self.isUp = !timing.alpha
    }

    public enum Verdict: Sendable, Hashable {
        /// The checker changed to up (or, on its first verdict, confirmed it).
        case becameUp
        case becameDown
    }

    /// What one outcome does: an optional verdict and when the next check is due.
    public struct Step: Sendable, Hashable {
        public var verdict: Verdict?
        /// True on the first settled verdict even when the state did not change (alpha + down).
        public var firstVerdict: Bool
        public var nextCheckAfter: Duration
    }

    public mutating func record(_ outcome: CheckOutcome) -> Step {
        let wasFirst = !hasRun
        if outcome.isUp || retriesUsed >= timing.retry {
            retriesUsed = 0
            var verdict: Verdict?
            if outcome.isUp && (!isUp || !hasRun) {
                verdict = .becameUp
                isUp = true
            } else if !outcome.isUp && (isUp || !hasRun) {
                verdict = .becameDown
                isUp = false
            }
            hasRun = true
            return Step(verdict: verdict, firstVerdict: wasFirst, nextCheckAfter: timing.delayLoop)
        }
        retriesUsed += 1
        return Step(verdict: nil, firstVerdict: false, nextCheckAfter: timing.delayBeforeRetry)
    }
}
