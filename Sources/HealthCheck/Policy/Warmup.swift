// `warmup`: the first check of each checker starts after a random delay up to warmup, so that
// many checkers of one server do not fire together at start.
public enum Warmup {
    public static func initialDelay<R: RandomNumberGenerator>(_ timing: ResolvedTiming, using rng: inout R) -> Duration {
        let limit = timing.warmup.components
        let limitNanoseconds = limit.seconds * 1_000_000_000 + limit.attoseconds / 1_000_000_000
        guard limitNanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...limitNanoseconds, using: &rng))
    }
}
