// The shape of a configuration before any keyword has meaning: statements (a keyword and its
// arguments on one line) and the blocks `{ ... }` that some of them open.

public struct Statement: Sendable {
    public var keyword: Token
    public var arguments: [Token]
    public var block: Block?

    /// How the statement is named in messages: `'vrrp_instance VI_1'`, `'priority'`.
    var title: String {
        guard let first = arguments.first, block != nil else { return keyword.text }
        return "\(keyword.text) \(first.text)"
    }
}

public struct Block: Sendable {
    public var open: Token
    /// Nil when the closing brace is missing (and was reported).
    public var close: Token?
    public var statements: [Statement]
}

/// What the tree parser may ask about keywords, to tell a missing `}` from a misplaced keyword.
protocol BlockGrammar {
    /// The keywords accepted inside the block reached by `path` (block keywords from the top level
    /// down; the empty path is the top level), or nil when that block is not known.
    func keywords(atPath path: [String]) -> Set<String>?
}
