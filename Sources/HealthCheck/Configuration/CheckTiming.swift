// Timing options shared by the checkers (keepalived.conf(5), "Virtual server(s)"): a value left
// nil takes keepalived's default for that checker kind (see `resolved(for:)`).
public struct CheckTiming: Sendable, Hashable {
    /// `delay_loop`: time between checks of a healthy server (default 60 s).
    public var delayLoop: Duration?
    /// `connect_timeout`: how long one check may take (default 5 s).
    public var connectTimeout: Duration?
    /// `retry` (`nb_get_retry`): extra checks after a failure before the server is declared down.
    public var retry: Int?
    /// `delay_before_retry`: wait before such an extra check.
    public var delayBeforeRetry: Duration?
    /// `warmup`: the first check starts after a random delay up to this (default: delay_loop; 0 = none).
    public var warmup: Duration?
    /// `alpha`: start with the server down until a check succeeds.
    public var alpha: Bool

    public init(delayLoop: Duration? = nil, connectTimeout: Duration? = nil, retry: Int? = nil,
                delayBeforeRetry: Duration? = nil, warmup: Duration? = nil, alpha: Bool = false) {
        self.delayLoop = delayLoop
        self.connectTimeout = connectTimeout
        self.retry = retry
        self.delayBeforeRetry = delayBeforeRetry
        self.warmup = warmup
        self.alpha = alpha
    }

    /// Later settings win where set: virtual server, then real server, then checker
    /// (keepalived: "the virtual server setting is the default for real servers, and the
    /// real server setting is the default for checkers").
    public func overridden(by inner: CheckTiming) -> CheckTiming {
        CheckTiming(delayLoop: inner.delayLoop ?? delayLoop,
                    connectTimeout: inner.connectTimeout ?? connectTimeout,
                    retry: inner.retry ?? retry,
                    delayBeforeRetry: inner.delayBeforeRetry ?? delayBeforeRetry,
                    warmup: inner.warmup ?? warmup,
                    alpha: inner.alpha || alpha)
    }

    /// Fills in keepalived's defaults: retry 1 (DNS 3, MISC 0); delay_before_retry 3 s for
    /// HTTP/SSL, delay_loop for DNS, 1 s otherwise; warmup = delay_loop.
    public func resolved(for kind: CheckKind) -> ResolvedTiming {
        if case .file(let options) = kind {
            // FILE_CHECK has none of the timing options: the file's state counts at once.
            return ResolvedTiming(delayLoop: options.pollInterval, connectTimeout: options.pollInterval, retry: 0,
                                  delayBeforeRetry: options.pollInterval, warmup: .zero, alpha: false)
        }
        let loop = delayLoop ?? .seconds(60)
        let defaultRetry: Int
        let defaultRetryDelay: Duration
        switch kind {
        case .dns: defaultRetry = 3; defaultRetryDelay = loop
        case .misc: defaultRetry = 0; defaultRetryDelay = .seconds(1)
        case .http: defaultRetry = 1; defaultRetryDelay = .seconds(3)
        default: defaultRetry = 1; defaultRetryDelay = .seconds(1)
        }
        return ResolvedTiming(delayLoop: loop,
                              connectTimeout: connectTimeout ?? .seconds(5),
                              retry: max(0, retry ?? defaultRetry),
                              delayBeforeRetry: delayBeforeRetry ?? defaultRetryDelay,
                              warmup: warmup ?? loop,
                              alpha: alpha)
    }
}

/// Timing with every default applied.
public struct ResolvedTiming: Sendable, Hashable {
    public var delayLoop: Duration
    public var connectTimeout: Duration
    public var retry: Int
    public var delayBeforeRetry: Duration
    public var warmup: Duration
    public var alpha: Bool

    public init(delayLoop: Duration, connectTimeout: Duration, retry: Int,
                delayBeforeRetry: Duration, warmup: Duration, alpha: Bool) {
        self.delayLoop = delayLoop
        self.connectTimeout = connectTimeout
        self.retry = retry
        self.delayBeforeRetry = delayBeforeRetry
        self.warmup = warmup
        self.alpha = alpha
    }
}
