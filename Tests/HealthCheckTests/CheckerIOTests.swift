import Testing

/// The checker tests that talk to real peers run one at a time: each has deadlines of a few
/// hundred milliseconds, and blocking setup in a parallel test (openssl, ip, starting nginx)
/// would hold the two cooperative threads long enough to miss them.
@Suite(.serialized) enum CheckerIOTests {}
