// The result of one check, as the policy sees it. Every checker failure (refused, timed out,
// closed mid-answer, bad TLS, garbage reply, script killed) becomes `.down` with a reason.
public enum CheckOutcome: Sendable, Hashable {
    case up(DynamicWeight? = nil)
    case down(String)

    public var isUp: Bool { if case .up = self { true } else { false } }
}

/// How a check changes the real server's weight.
public enum DynamicWeight: Sendable, Hashable {
    /// MISC_CHECK with misc_dynamic: the real's weight becomes this (exit code - 2); with several
    /// such checkers each moves the weight by its value minus the configured weight.
    case set(Int)
    /// FILE_CHECK with a weight: this is added to the configured weight.
    case add(Int)
}
